"""The rules core: pure functions of calendar data, records and a date. No I/O, no clock."""
