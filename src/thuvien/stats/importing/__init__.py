"""Reading files of many libraries' figures (one row per library) for a reporting round:
the column mapping, missing-value codes, cells to figures, row checks and the error file.

These modules are pure Python over the form's element specs; services.imports adds the
database (libraries, reports, permissions, the tables). ``sources`` loads published data
sets (IMLS, IFLA) through that same path and the registry's.
"""
