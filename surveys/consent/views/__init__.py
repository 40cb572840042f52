"""Pages of consent and rights."""
