"""The pages of policy changes (政策调整测算), one module per topic."""
