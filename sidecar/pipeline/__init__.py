"""The jobs layer: the huey instance and tasks, intake, worker, sweeper, leases, runs, schedules, registry."""
