"""Tools for learners and instructors: start a step, check your work, reset
the databases, print checklists. Run them through `make` (see the Makefile)."""
