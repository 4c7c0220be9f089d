"""Pages of targets and progress: the dashboards (R10.3) with their Excel file and refresh button, the split of a
city's target among its counties (R10.1), the population baselines (R10.2).

A division outside the user's scope answers 404; a missing permission 403.
"""
