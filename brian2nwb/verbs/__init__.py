"""What users call: `snapshot` (recording), `to_nwb`, `from_nwb` and the rebuilt network that replays the
recording, checkpoints."""
