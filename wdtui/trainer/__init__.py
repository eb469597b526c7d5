"""The trainer: the process beside the app where every model lives and trains.

The app starts it after its first frame and keeps it for its life (`client.Trainer`); it
imports torch, the app never does. The app asks for tasks (a run, the Compare twins, a sweep)
and steers them; the trainer answers with the records its tasks make (`events`). It records
its runs into the store itself, where the records are made, and it ends when its pipe closes,
whatever ended the app. `wdtui trace` and `wdtui sweep` train in their own process instead.
"""
