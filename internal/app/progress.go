package app

import (
	"io"
	"os"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

// progress shows a long command's progress as a bar on a terminal, and nothing at all when the
// output is a file or a pipe (a log or a script has no use for carriage returns).
type progress struct {
	w    io.Writer
	unit string
	bar  *progressbar.ProgressBar
}

// newProgress draws on w when w is a terminal.
func newProgress(w io.Writer, unit string) *progress {
	p := &progress{unit: unit}
	if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		p.w = w
	}
	return p
}

// set records that done of total items are finished.
func (p *progress) set(done, total int) {
	if p.w == nil {
		return
	}
	if p.bar == nil {
		p.bar = progressbar.NewOptions(total, progressbar.OptionSetWriter(p.w), progressbar.OptionSetItsString(p.unit),
			progressbar.OptionShowIts(), progressbar.OptionShowCount(), progressbar.OptionSetPredictTime(true),
			progressbar.OptionThrottle(100e6), progressbar.OptionClearOnFinish())
	}
	if total != p.bar.GetMax() {
		p.bar.ChangeMax(total)
	}
	_ = p.bar.Set(done)
}

// done removes the bar.
func (p *progress) done() {
	if p.bar != nil {
		_ = p.bar.Finish()
		_, _ = io.WriteString(p.w, "\n")
	}
}
