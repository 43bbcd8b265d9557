package summaries

// WithShards returns a copy of s that splits its slowest statements into n shards (see sharded).
func (s *Service) WithShards(n int) *Service {
	c := *s
	c.shards = n
	return &c
}
