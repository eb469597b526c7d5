"""The modes, one per key: 1–9 the learning modes, h the runs kept (the history). The single
list the app's MODES, its footer, the welcome text, the help screen and the command palette
are all made from."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from textual.screen import Screen

from .screens.code import CodeScreen
from .screens.compare import CompareScreen
from .screens.insight import InsightScreen
from .screens.inspect import InspectScreen
from .screens.pipeline import PipelineScreen
from .screens.quiz import QuizScreen
from .screens.runs import RunsScreen
from .screens.sweep import SweepScreen
from .screens.train import TrainScreen
from .screens.weights import WeightsScreen


@dataclass(frozen=True)
class Mode:
    key: str
    name: str  # the Textual mode name
    title: str
    summary: str
    screen: Callable[[], Screen]


MODE_LIST = (
    Mode("1", "pipeline", "Pipeline", "the six data stages, one real row followed through them", PipelineScreen),
    Mode("2", "train", "Train", "set λ and the rest, train, watch the loss chart, epoch table and decision boundary",
         TrainScreen),
    Mode("3", "inspect", "Inspect", "one row through the 4 layers: input, ReLU, logits, softmax", InspectScreen),
    Mode("4", "quiz", "Quiz", "rounds of three questions, some made from your own run", QuizScreen),
    Mode("5", "insight", "Insight", "the key insight in your run's numbers: shrink, half-life, penalty", InsightScreen),
    Mode("6", "compare", "Compare", "twin runs, λ = 0 and your λ, from the same start: who generalizes better, "
                                    "whose boundary is smoother", CompareScreen),
    Mode("7", "sweep", "Sweep", "many values of λ trained at once: the U-curve, the boundary at each λ, the best λ",
         SweepScreen),
    Mode("8", "weights", "Weights", "the weights themselves: norms per layer, histograms, one update taken apart",
         WeightsScreen),
    Mode("9", "code", "Code", "the run as a PyTorch script to copy or save; export the run as JSON and CSV",
         CodeScreen),
    Mode("h", "runs", "Runs", "every run kept, this session's and before: compare, reload, delete, export",
         RunsScreen),
)
