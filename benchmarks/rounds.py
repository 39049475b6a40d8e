"""Rounds, and what to say about them: the median and the spread.

A machine that does other work runs faster or slower from one moment to the
next. So what is compared is measured in rounds: each round runs every side
once, in a new random order, and a comparison is made round by round (paired)
before the median is taken. The first rounds warm things up and are dropped.
"""
import random
import statistics
import time

SEED = 13  # the same orders on every run


def timed(action):
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def interleaved(actions, rounds, warmup=0, measure=timed):
    """{name: [one figure per round]}: every action once a round, in random order;
    `warmup` rounds first, not kept. `measure(action)` gives the figure (seconds by default)."""
    order = random.Random(SEED)
    figures = {name: [] for name in actions}
    for number in range(warmup + rounds):
        names = list(actions)
        order.shuffle(names)
        for name in names:
            figure = measure(actions[name])
            if number >= warmup:
                figures[name].append(figure)
    return figures


def paired(first, second, how):
    """Round by round: how(first, second) for each pair."""
    return [how(a, b) for a, b in zip(first, second, strict=True)]


class Summary:
    """The median and the spread (min-max) of some figures, written with `unit`."""

    def __init__(self, figures, unit="{:.0f}"):
        self.figures = list(figures)
        self.rounds = len(self.figures)
        self.median = statistics.median(self.figures)
        self.low, self.high = min(self.figures), max(self.figures)
        self.unit = unit

    def cells(self):
        """[rounds, median, spread] as table cells."""
        return [str(self.rounds), self.unit.format(self.median),
                f"{self.unit.format(self.low)} – {self.unit.format(self.high)}"]
