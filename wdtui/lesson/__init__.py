"""The lesson: a guided path through the modes, predict first, then run (assets/lesson.toml).

UI-free, like the quiz. It reads the run's records (as lesson.facts.Observed) and decides when a
step is done. It grades the prediction and words the outcome; the app shows it in a panel.
"""
