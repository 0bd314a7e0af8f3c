"""ssm-tui: least-privilege Session Manager instance profiles for EC2 fleets, from a terminal."""

__version__ = "0.1.0"
