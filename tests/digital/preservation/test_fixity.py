import hashlib
import os

from thuvien.digital.preservation.fixity import digests


def test_digests_match_hashlib_across_chunk_boundaries(tmp_path):
    data = os.urandom(3 * 1024 + 17)
    path = tmp_path / "f.bin"
    path.write_bytes(data)
    found = digests(path, ("sha512", "md5", "sha256"), chunk=1024)
    assert found == {
        "sha512": hashlib.sha512(data).hexdigest(),
        "md5": hashlib.md5(data).hexdigest(),
        "sha256": hashlib.sha256(data).hexdigest(),
    }


def test_default_algorithms_and_empty_file(tmp_path):
    path = tmp_path / "empty"
    path.write_bytes(b"")
    assert digests(path) == {
        "sha512": hashlib.sha512(b"").hexdigest(),
        "md5": hashlib.md5(b"").hexdigest(),
    }
