"""fleetflags' emulator patches beyond those in launcher.py, grouped by kind (read_back.py)."""
