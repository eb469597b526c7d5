"""The app's background jobs: the run, the Compare twins and the sweep.

Each job is a function run in a thread worker that drives the core (the one run engine, or the
stacked sweep) and only posts messages; its state lives beside it, changed on the UI thread
from those messages. Screens read the state and ask the app to start or stop a job.
"""
