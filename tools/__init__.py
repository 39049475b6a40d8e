"""Tools for learners and instructors: set up, check the machine, run, start a
step, check your work, reset the databases, print checklists. One entry point,
`python3 -m tools <command>` (Windows: `py -m tools <command>`); every make
target is a shortcut for it. `python3 -m tools help` lists the commands."""
