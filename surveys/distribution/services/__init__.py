"""Distribution writes: channel and signed links, their key, and e-mail invitation batches."""
