package bleve_test

import (
	"path/filepath"
	"testing"

	"github.com/casereview/casereview/internal/search"
	bleveindex "github.com/casereview/casereview/internal/search/bleve"
	"github.com/casereview/casereview/internal/search/searchtest"
)

func TestBleveIndexPassesTheSharedSuite(t *testing.T) {
	searchtest.Run(t, func(t *testing.T) search.Index {
		idx, err := bleveindex.Open(filepath.Join(t.TempDir(), "index"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { idx.Close() })
		return idx
	})
}

func TestReopenKeepsTheAppliedSequence(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "index")
	idx, err := bleveindex.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := idx.Apply(t.Context(), searchtest.Corpus, nil, 42); err != nil {
		t.Fatal(err)
	}
	idx.Close()
	idx, err = bleveindex.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer idx.Close()
	if seq, err := idx.AppliedSeq(); err != nil || seq != 42 {
		t.Fatalf("applied seq after reopening: %d %v", seq, err)
	}
	if n, _ := idx.Count(); n != uint64(len(searchtest.Corpus)) {
		t.Fatalf("count after reopening: %d", n)
	}
}
