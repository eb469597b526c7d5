"""The commands room: `wdtui`, `wdtui trace`, `wdtui sweep`, `wdtui serve`, parsed with argparse."""
