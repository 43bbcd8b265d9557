package extracttest_test

import (
	"testing"

	"github.com/casereview/casereview/internal/extract"
	"github.com/casereview/casereview/internal/extract/extracttest"
)

func TestFixtures(t *testing.T) {
	pdf := extract.FindPDFReader("")
	for name, data := range map[string][]byte{"r.txt": extracttest.Text(extracttest.DHR), "r.docx": extracttest.DOCX(extracttest.DHR), "r.pdf": extracttest.PDF(extracttest.DHR)} {
		d, err := extract.Read(name, data, pdf)
		if err != nil {
			t.Fatal(name, err)
		}
		ps := extract.Find(d, extract.Options{})
		if len(ps) != 3 {
			t.Errorf("%s: %d proposals: %+v\npages %q", name, len(ps), ps, d.Pages)
			continue
		}
		for i, p := range ps {
			if p.Number != extracttest.DHRNumbers[i] || p.Page != extracttest.DHRPages[i] || p.Text != extracttest.DHRTexts[i] {
				t.Errorf("%s %d: %+v", name, i, p)
			}
		}
	}
}
