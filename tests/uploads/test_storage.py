"""kurswerk.core.files.storage: content-addressed, idempotent, atomic (no partial object
visible)."""

from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path

import pytest

from kurswerk.core.files import storage as storage_module
from kurswerk.core.files.storage import LocalStorage, key_for, storage_from_settings
from kurswerk.core.settings import Settings

DATA = b"%PDF-1.7\nhello\n%%EOF\n"
SHA = hashlib.sha256(DATA).hexdigest()


def staged(storage: LocalStorage, data: bytes = DATA) -> Path:
    temp = storage.put_temp()
    with temp.file:
        temp.file.write(data)
    return temp.path


def test_a_committed_file_is_stored_under_its_content_hash(storage):
    temp_path = staged(storage)
    key = storage.commit(temp_path, SHA)
    assert key == f"{SHA[:2]}/{SHA[2:4]}/{SHA}.pdf"
    assert storage.path_for(key) == storage.root / SHA[:2] / SHA[2:4] / f"{SHA}.pdf"
    with storage.open(key) as stored:
        assert stored.read() == DATA
    assert storage.exists(key)
    assert not temp_path.exists()
    assert os.listdir(storage.temp_dir) == []


def test_committing_the_same_content_twice_keeps_one_object(storage):
    first = storage.commit(staged(storage), SHA)
    inode = storage.path_for(first).stat().st_ino
    second_temp = staged(storage)
    assert storage.commit(second_temp, SHA) == first
    assert storage.path_for(first).stat().st_ino == inode  # not replaced
    assert not second_temp.exists()
    assert sum(len(files) for _, _, files in os.walk(storage.root)) == 1


def test_no_object_is_visible_while_a_file_is_being_written(storage):
    temp = storage.put_temp()
    temp.file.write(DATA[:5])
    temp.file.flush()
    assert not storage.exists(key_for(SHA))
    assert temp.path.parent == storage.temp_dir
    temp.file.close()
    storage.delete_temp(temp.path)
    assert not temp.path.exists()


def test_a_failed_fsync_leaves_no_object_and_the_temp_file_for_cleanup(storage, monkeypatch):
    temp_path = staged(storage)

    def broken_fsync(fd: int) -> None:
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(os, "fsync", broken_fsync)
    with pytest.raises(OSError):
        storage.commit(temp_path, SHA)
    monkeypatch.undo()
    assert not storage.exists(key_for(SHA))
    assert temp_path.exists()
    storage.delete_temp(temp_path)
    assert os.listdir(storage.temp_dir) == []


def test_a_failed_rename_leaves_no_partial_object(storage, monkeypatch):
    temp_path = staged(storage)

    def broken_replace(source, target) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError):
        storage.commit(temp_path, SHA)
    monkeypatch.undo()
    assert not storage.exists(key_for(SHA))
    assert list(storage.root.rglob("*.pdf")) == []


@pytest.mark.parametrize(
    "key",
    [
        "../../etc/passwd",
        f"{SHA[:2]}/{SHA[2:4]}/../{SHA}.pdf",
        f"ff/ff/{SHA}.pdf",  # prefix does not match the hash
        f"{SHA[:2]}/{SHA[2:4]}/{SHA.upper()}.pdf",
        f"/{SHA[:2]}/{SHA[2:4]}/{SHA}.pdf",
    ],
)
def test_keys_that_are_not_content_hashes_are_refused(storage, key):
    with pytest.raises(ValueError):
        storage.path_for(key)
    with pytest.raises(ValueError):
        storage.open(key)


def test_only_temp_files_of_the_storage_can_be_committed_or_deleted(storage, tmp_path):
    outside = tmp_path / "elsewhere.pdf"
    outside.write_bytes(DATA)
    with pytest.raises(ValueError):
        storage.commit(outside, SHA)
    with pytest.raises(ValueError):
        storage.delete_temp(outside)
    with pytest.raises(ValueError):
        storage.commit(storage.temp_dir / ".." / "x.pdf", SHA)
    assert outside.exists()


def test_a_hash_that_is_not_sha256_hex_is_refused(storage):
    with pytest.raises(ValueError):
        storage.commit(staged(storage), "not-a-hash")


def test_old_temp_files_are_swept(storage):
    old, fresh = staged(storage), staged(storage)
    past = time.time() - 7200
    os.utime(old, (past, past))
    assert storage.sweep_temp(older_than_seconds=3600) == 1
    assert not old.exists() and fresh.exists()


def test_the_storage_url_may_be_absolute_or_relative(tmp_path, monkeypatch):
    absolute = storage_from_settings(Settings(storage_url=f"file://{tmp_path}/a"))
    assert absolute.root == tmp_path / "a"
    monkeypatch.chdir(tmp_path)
    relative = storage_from_settings(Settings(storage_url="file://./var/storage"))
    assert relative.root == tmp_path / "var" / "storage"
    assert relative.temp_dir.is_dir()


def test_an_unsupported_storage_url_is_a_configuration_error():
    with pytest.raises(ValueError):
        storage_from_settings(Settings(storage_url="s3://bucket/prefix"))


def test_a_temp_file_hands_each_written_range_to_the_disk_once(storage, monkeypatch):
    """Every WRITEBACK_BYTES the arrived range is handed to the kernel's writeback (each
    byte once, after it left Python's buffer); the bytes on disk are exactly those written."""
    handed: list[tuple[int, int, int]] = []
    real = storage_module.start_writeback

    def spy(fd: int, offset: int, length: int) -> None:
        handed.append((offset, length, os.fstat(fd).st_size))
        real(fd, offset, length)

    monkeypatch.setattr(storage_module, "WRITEBACK_BYTES", 1000)
    monkeypatch.setattr(storage_module, "start_writeback", spy)
    data = os.urandom(4500)
    temp = storage.put_temp()
    with temp.file:
        for start in range(0, len(data), 300):
            temp.write(data[start : start + 300])
    assert handed == [(0, 1200, 1200), (1200, 1200, 2400), (2400, 1200, 3600)]
    assert temp.path.read_bytes() == data
    key = storage.commit(temp.path, hashlib.sha256(data).hexdigest())
    with storage.open(key) as stored:
        assert stored.read() == data


def test_bytes_stored_before_are_not_fsynced_again(storage, monkeypatch):
    """A second upload of the same bytes only drops its temp file: the object is durable."""
    storage.commit(staged(storage), SHA)
    synced: list[int] = []
    real_fsync = os.fsync

    def counting_fsync(fd: int) -> None:
        synced.append(fd)
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", counting_fsync)
    second_temp = staged(storage)
    assert storage.commit(second_temp, SHA) == key_for(SHA)
    assert synced == []
    assert not second_temp.exists()
