"""Writes of targets and progress: the progress snapshots computed level by level (R10.3, R10.2), the split of a
city's target among its counties (R10.1), the population baselines imported by the province (R10.2)."""
