package bleve

import (
	"fmt"

	"github.com/blevesearch/bleve/v2"
)

// OpenStale opens an index whatever its mapping version, to keep answering searches from it
// while a new one is built beside it. Nothing should be written to it.
func OpenStale(dir string, o Options) (*Index, error) {
	idx, err := bleve.OpenUsing(dir, o.config())
	if err != nil {
		return nil, fmt.Errorf("open search index: %w", err)
	}
	return wrap(idx), nil
}

// wrap sets up an opened bleve index, as Open and OpenStale both need it.
func wrap(idx bleve.Index) *Index {
	return &Index{idx: idx, facets: newFacetTable()}
}
