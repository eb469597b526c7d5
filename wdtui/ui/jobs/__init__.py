"""The app's background jobs: the run, the Compare twins, the sweep and the Runs view's.

Each job runs on a thread worker that only posts messages. Its state lives on the app, and is
changed on the UI thread from those messages. Screens read the states and ask the app to start
or stop a job. The modules:

- follow.py: a training job's worker (the run, the twins, the sweep). It starts the job's task
  in the trainer process and posts each event the task sends.
- host.py: `JobHost`, mixed into the App. It starts the workers and applies what they post.
- twins_state.py: `TwinsState`, what the app keeps of the Compare twins.
- sweep_state.py: `SweepState`, what the app keeps of a sweep.
- runs_view.py: the Runs view's jobs, which read and change the store, and `RunsState`.
- questions.py: `ModelQuestions`, which asks the trainer about the model behind a view.

The run's own state is ui/session.py's `Session`.
"""
