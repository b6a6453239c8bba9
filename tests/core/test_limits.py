"""Files the user names are read bounded: a huge file, a device that never ends or a huge text is a clear error,
read no further than the limit."""

from __future__ import annotations

import io

import pytest

import kdsl
from kdsl.cli import main
from kdsl.core import limits
from kdsl.core.limits import MAX_FILE_BYTES


def test_a_file_at_the_limit_reads_and_one_byte_more_is_refused(tmp_path):
    f = tmp_path / "a.kdsl"
    f.write_bytes(b"#" * 100)
    assert limits.read_text(f, limit=100) == "#" * 100
    f.write_bytes(b"#" * 101)
    with pytest.raises(limits.FileTooLarge) as info:
        limits.read_text(f, limit=100)
    assert isinstance(info.value, OSError) and "the most kdsl reads as one scenario or manifest file" in str(info.value)


def test_dev_zero_as_a_scenario_is_refused_after_the_limit_not_read_forever(capsys):
    assert main(["check", "/dev/zero"]) == 1
    err = capsys.readouterr().err
    assert f"it is larger than {MAX_FILE_BYTES:,} bytes, the most kdsl reads as one scenario or manifest file" in err


def test_kdsl_load_and_import_of_dev_zero_are_located_errors():
    with pytest.raises(kdsl.KdslSyntaxError, match="cannot read /dev/zero: it is larger than"):
        kdsl.load("/dev/zero")
    with pytest.raises(kdsl.KdslError, match="cannot read manifests: it is larger than"):
        kdsl.from_manifests("/dev/zero")


def test_a_text_past_the_limit_is_refused_by_kdsl_parse_before_the_lexer():
    with pytest.raises(kdsl.KdslSyntaxError) as info:
        kdsl.parse("#" * (MAX_FILE_BYTES + 1), "big.kdsl")
    (d,) = info.value.diagnostics
    assert d.file == "big.kdsl" and d.message.startswith("not read: it is larger than")


def test_standard_input_is_read_bounded_too():
    assert limits.read_stream(io.StringIO("x" * 10), limit=10) == "x" * 10
    with pytest.raises(limits.FileTooLarge):
        limits.read_stream(io.StringIO("x" * 11), limit=10)
