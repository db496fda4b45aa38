"""atheris target: the record importer's parser (``sitegen.record``) from arbitrary bytes.

Run: ``python fuzz/fuzz_record.py CORPUS fuzz/seeds/record -max_total_time=60``.
Any exception is a finding: a bad record must come back as a RecordError.
"""

from __future__ import annotations

import sys

import atheris

with atheris.instrument_imports():
    from sitegen.record import Record, RecordError, decode_record, parse_record


def test_one_input(data: bytes) -> None:
    text = decode_record(data)
    if isinstance(text, RecordError):
        return
    result = parse_record(text)
    assert isinstance(result, (Record, RecordError)), result


def main() -> None:
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
