"""What readers reach: the readers' copy and its publishing, read-only connections, ad-hoc
queries and their output, export, status and the warehouse's checks."""
