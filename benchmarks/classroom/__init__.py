"""The classroom burst benchmark (``benchmarks.bench_classroom``), by role: settings,
the texts it reads on the pages, the students' tabs, the monitors, the newcomer,
the server, the burst itself and the report."""
