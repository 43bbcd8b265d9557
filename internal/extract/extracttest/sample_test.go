package extracttest_test

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/casereview/casereview/internal/extract"
	"github.com/casereview/casereview/internal/extract/extracttest"
)

var update = flag.Bool("update", false, "rewrite the sample reports in docs/samples")

// The sample reports a demo user uploads are the Demo fixture, as the generator writes it; run
// with -update after changing either.
func TestSampleReportsAreCurrent(t *testing.T) {
	for name, data := range map[string][]byte{
		"dhr-mr-b-fictional.pdf":  extracttest.PDF(extracttest.Demo),
		"dhr-mr-b-fictional.docx": extracttest.DOCX(extracttest.Demo),
	} {
		path := filepath.Join("..", "..", "..", "docs", "samples", name)
		if *update {
			if err := os.WriteFile(path, data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		have, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(have, data) {
			t.Errorf("%s differs from the Demo fixture: run go test ./internal/extract/extracttest -update", path)
		}
	}
}

func TestDemoProposals(t *testing.T) {
	pdf := extract.FindPDFReader("")
	files := map[string][]byte{"d.docx": extracttest.DOCX(extracttest.Demo), "d.txt": extracttest.Text(extracttest.Demo)}
	if pdf.Available() {
		files["d.pdf"] = extracttest.PDF(extracttest.Demo)
	}
	for name, data := range files {
		d, err := extract.Read(name, data, pdf)
		if err != nil {
			t.Fatal(name, err)
		}
		ps := extract.Find(d, extract.Options{})
		if len(ps) != len(extracttest.DemoNumbers) {
			t.Fatalf("%s: %d proposals: %+v", name, len(ps), ps)
		}
		for i, p := range ps {
			if p.Number != extracttest.DemoNumbers[i] || p.Page != extracttest.DemoPages[i] {
				t.Errorf("%s %d: %+v", name, i, p)
			}
		}
	}
}
