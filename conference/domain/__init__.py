"""Pure domain rules: no I/O, no clocks read, no globals. Tested directly."""
