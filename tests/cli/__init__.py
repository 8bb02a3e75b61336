"""The command line: exit codes, outputs, every command on every bundled scenario, Ctrl-C."""
