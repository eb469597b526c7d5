"""The app's background jobs: the run, the Compare twins, the sweep and the Runs view's.

Each job is a function run in a thread worker that only posts messages. A training job
(follow.py) starts its task in the trainer process and posts each event the task sends; the
Runs view's jobs (runs.py) read and change the store. A job's state lives beside it (twins.py,
sweep.py, runs.py; the run's is ui/session.py), changed on the UI thread from those messages by
host.py, which also starts the jobs. Screens read the states and ask the app to start or stop a
job; questions.py asks the trainer about the model behind a view.
"""
