"""Officers' work: inbox, claim/release, completing tasks with FIFO rules, reassigning."""
