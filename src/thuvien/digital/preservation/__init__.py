"""Digital preservation, pure Python (no Django): the tools the preservation services call.

- ``fixity``: SHA-512 and MD5 of a file in one streaming read.
- ``ocfl_store``: OCFL 1.1 storage roots (ocfl-py) with versions, audit, repair and replication.
- ``premis``: PREMIS 3.0 XML (objects, events with the LoC event-type vocabulary, agents).
- ``mets``: MODS from Dublin Core (LoC crosswalk) and METS 1.12 with MODS, DC and PREMIS.
- ``bags``: BagIt 1.0 export and validation (the ``bagit`` library checks both ways).
- ``formats``: format identification with opf-fido and the PRONOM signatures it ships.

Errors meant for people are bilingual, Vietnamese first, and say which file.
"""
