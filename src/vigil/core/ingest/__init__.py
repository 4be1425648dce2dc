"""Taking in agency exports: bundles and CSV files, in batches, safely."""
