"""The loader: parsed batches normalized into the schema's tables (`normalize`), one file's
lifecycle (`load`), its apply (`apply`, `removal`, `aggregates`), the vocabulary and citation
collection loads, parallel staging, memory limits, compaction and the baseline rollover."""
