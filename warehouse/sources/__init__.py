"""Where records come from over the network: NLM's mirror and MeSH folder, NCBI E-utilities
(esearch, efetch), PMID lists, and the retry policy they share."""
