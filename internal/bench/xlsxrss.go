package bench

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/casereview/casereview/internal/app"
	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/config"
	"github.com/casereview/casereview/internal/importer/actionplan"
	"github.com/casereview/casereview/internal/store/imports"
)

// The XLSX memory part measures issue 14 item 5's bound: a dry-run import of the largest
// action-plan workbook the reader's limits accept (actionplan.DefaultLimits) peaks under
// RSSBound, against the old way, excelize's whole-sheet GetRows, on the same file. Each runs
// in a child process of its own (this program, or a test binary, run again with ChildEnv set),
// whose peak resident size the kernel reports when it exits. It needs neither PostgreSQL nor
// the corpus: the child imports into a fresh embedded SQLite database.

// RSSBound is the most a dry-run import of the largest accepted workbook may hold resident.
const RSSBound = 256 << 20

// ChildEnv names the variable that makes this program (or a test binary) a measured child:
// "stream FILE" imports FILE as a dry run, "getrows FILE" reads it with GetRows.
const ChildEnv = "CASEREVIEW_BENCH_XLSX_CHILD"

// LargestPlan is the issue's case scaled to the limits: 19,900 rows, the last of the template's
// columns holding values (139,300 cells of text), every row padded with empty formatted cells
// to 94 MiB of sheet XML.
var LargestPlan = PlanShape{Rows: 19900, SheetBytes: 94 << 20}

// PlanShape is the size of a generated workbook.
type PlanShape struct {
	Rows       int
	SheetBytes int // the sheet XML to reach with empty formatted cells
}

var planHeader = []string{"Recommendation", "Scope", "Action to take", "Lead agency", "Key milestones", "Target date", "Date of completion and outcome"}

// benchAgencies are the FICTIONAL lead agencies of a generated plan.
var benchAgencies = []string{"Eastmere Police", "Eastmere Council Adult Social Care", "Eastmere Hospitals NHS Trust", "Eastmere Probation Service"}

// WritePlan writes a FICTIONAL action plan of shape s to path with excelize's StreamWriter.
func WritePlan(path string, s PlanShape) error {
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		return err
	}
	style, err := f.NewStyle(&excelize.Style{Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"FFF2CC"}}})
	if err != nil {
		return err
	}
	row := func(r int, vals []any) error {
		cell, _ := excelize.CoordinatesToCellName(1, r)
		return sw.SetRow(cell, vals)
	}
	head := make([]any, len(planHeader))
	for i, h := range planHeader {
		head[i] = h
	}
	if err := row(1, head); err != nil {
		return err
	}
	// Each empty cell is <c r="XX12345" s="1"></c>: about 24 bytes.
	valueBytes := 700
	pad := max((s.SheetBytes/max(s.Rows, 1)-valueBytes)/24, 0)
	for r := 2; r <= s.Rows+1; r++ {
		n := r - 1
		vals := []any{
			fmt.Sprintf("%d. Every agency of the partnership trains its staff to recognise coercive control and records, in each contact, whether it was asked about (fictional recommendation %d).", n, n),
			"local",
			fmt.Sprintf("Deliver the training to all front-line staff and audit twenty case files a quarter for the question being asked (action %d).", n),
			benchAgencies[n%len(benchAgencies)],
			"Training delivered; first audit reported to the board",
			"31/12/2026",
			"",
		}
		for range pad {
			vals = append(vals, excelize.Cell{StyleID: style})
		}
		if err := row(r, vals); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	return f.SaveAs(path)
}

// SheetXMLBytes is the unpacked size of the workbook's sheets.
func SheetXMLBytes(path string) (int64, error) {
	z, err := zip.OpenReader(path)
	if err != nil {
		return 0, err
	}
	defer z.Close()
	var n int64
	for _, e := range z.File {
		if filepath.Dir(e.Name) == "xl/worksheets" {
			n += int64(e.UncompressedSize64)
		}
	}
	return n, nil
}

// PeakRSS runs exe again as a child measuring mode on file and returns its peak resident size
// in bytes, and what it printed before that figure. The child reads the figure itself, VmHWM of
// /proc/self/status, as it ends: the kernel's rusage of a child is no use here, since its
// maxrss keeps the high-water mark of the parent's memory the child was forked from.
func PeakRSS(exe string, args []string, mode, file string) (int64, string, error) {
	cmd := exec.Command(exe, args...)
	cmd.Env = append(os.Environ(), ChildEnv+"="+mode+" "+file)
	cmd.Stderr = os.Stderr
	raw, err := cmd.Output()
	out := string(raw)
	if err != nil {
		return 0, out, fmt.Errorf("%s child: %w: %s", mode, err, out)
	}
	i := strings.LastIndex(out, "peak-rss-kib ")
	if i < 0 {
		return 0, out, fmt.Errorf("%s child did not report its peak RSS: %q", mode, out)
	}
	kib, err := strconv.ParseInt(strings.TrimSpace(out[i+len("peak-rss-kib "):]), 10, 64)
	if err != nil {
		return 0, out, fmt.Errorf("%s child's peak RSS: %w", mode, err)
	}
	return kib * 1024, out[:i], nil
}

// ownPeakRSS is VmHWM of /proc/self/status, in KiB.
func ownPeakRSS() (int64, error) {
	raw, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(raw), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			return strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
		}
	}
	return 0, fmt.Errorf("no VmHWM in /proc/self/status")
}

// Child runs the measured work when ChildEnv is set, and reports whether it did (the caller then
// exits with the code returned).
func Child() (bool, int) {
	v := os.Getenv(ChildEnv)
	if v == "" {
		return false, 0
	}
	var mode, file string
	if _, err := fmt.Sscan(v, &mode, &file); err != nil {
		fmt.Fprintln(os.Stderr, "bad", ChildEnv, v)
		return true, 2
	}
	var err error
	switch mode {
	case "stream":
		err = childImport(file)
	case "read":
		err = childRead(file)
	case "getrows":
		err = childGetRows(file)
	default:
		err = fmt.Errorf("unknown mode %q", mode)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return true, 1
	}
	kib, err := ownPeakRSS()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return true, 1
	}
	fmt.Printf("peak-rss-kib %d\n", kib)
	return true, 0
}

// childImport dry-runs the import of file into a fresh embedded SQLite database holding its
// partnership and lead agencies, as POST /api/v1/imports?dry_run=true does.
func childImport(file string) error {
	data, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "casereview-xlsx-rss-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	cfg, err := config.Load(func(string) string { return "" }, nil)
	if err != nil {
		return err
	}
	cfg.DataDir, cfg.SecretKey = dir, base64.StdEncoding.EncodeToString([]byte("a key for the xlsx memory bench!"))
	ctx := casereview.WithActor(context.Background(), casereview.System)
	a, err := app.New(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), app.Options{NoSearch: true})
	if err != nil {
		return err
	}
	defer a.Close()
	st := a.Store()
	p, err := st.CreatePartnership(ctx, casereview.PartnershipDraft{Name: "Eastmere CSP", Kind: "community_safety_partnership"})
	if err != nil {
		return err
	}
	for _, name := range benchAgencies {
		if _, err := st.CreateOrganisation(ctx, casereview.OrganisationDraft{Name: name, Sector: "other"}); err != nil {
			return err
		}
	}
	out, err := actionplan.Import(ctx, imports.Over(st), actionplan.Request{FileName: filepath.Base(file), Data: data, DryRun: true, Today: casereview.DateOf(time.Now()),
		Review: casereview.ReviewDraft{PartnershipID: p.ID, Reference: "BENCH-XLSX-1", Type: "DHR", Title: "Adult B"}})
	if err != nil {
		return err
	}
	if !out.Report.OK() || out.Result == nil {
		return fmt.Errorf("the dry run was refused: %d errors, first %+v", out.Report.Errors(), out.Report.Issues[:min(len(out.Report.Issues), 3)])
	}
	fmt.Printf("recommendations %d\n", out.Result.RecommendationsCreated)
	return nil
}

// childRead only reads file with the streaming reader and its limits, as the import does first.
func childRead(file string) error {
	data, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	plan, rep := actionplan.Read(filepath.Base(file), data, actionplan.DefaultLimits)
	if !rep.OK() {
		return fmt.Errorf("the reader refused the file: %+v", rep.Issues[:min(len(rep.Issues), 3)])
	}
	fmt.Printf("recommendations %d\n", len(plan.Recommendations))
	return nil
}

// childGetRows reads file the old way, as the reader did before it streamed: excelize opens it
// from memory allowed to keep sheets up to the unpacked limit in memory, then every row is read.
func childGetRows(file string) error {
	data, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	lim := actionplan.DefaultLimits
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{UnzipSizeLimit: lim.MaxUncompressed, UnzipXMLSizeLimit: lim.MaxUncompressed})
	if err != nil {
		return err
	}
	defer f.Close()
	rows, err := f.GetRows(f.GetSheetName(0))
	if err != nil {
		return err
	}
	fmt.Printf("rows %d\n", len(rows))
	return nil
}

// XLSXMemory generates the largest accepted plan in a temporary folder and prints the peak
// resident size of a dry-run import of it, of the streaming reader alone and of the old reader;
// it fails when the import's passes RSSBound. It returns a process exit code.
func XLSXMemory(out io.Writer) int {
	fmt.Fprintf(out, "\n== XLSX import memory: peak RSS of a dry-run import of the largest accepted action plan\n")
	exe, err := os.Executable()
	if err != nil {
		fmt.Fprintln(out, "FAILED:", err)
		return 1
	}
	dir, err := os.MkdirTemp("", "casereview-xlsx-bench-")
	if err != nil {
		fmt.Fprintln(out, "FAILED:", err)
		return 1
	}
	defer os.RemoveAll(dir)
	file := filepath.Join(dir, "largest_plan.xlsx")
	start := time.Now()
	if err := WritePlan(file, LargestPlan); err != nil {
		fmt.Fprintln(out, "FAILED: write the plan:", err)
		return 1
	}
	fi, _ := os.Stat(file)
	sheet, _ := SheetXMLBytes(file)
	fmt.Fprintf(out, "workbook: %d rows, %.1f MiB zipped, %.1f MiB of sheet XML (written in %s)\n", LargestPlan.Rows,
		float64(fi.Size())/(1<<20), float64(sheet)/(1<<20), time.Since(start).Round(time.Millisecond))
	failed := 0
	for _, m := range []struct{ mode, what string }{
		{"stream", "whole dry-run import (SQLite store)"}, {"read", "streaming reader alone"}, {"getrows", "old reader: sheet XML in memory, GetRows"}} {
		start := time.Now()
		peak, _, err := PeakRSS(exe, nil, m.mode, file)
		if err != nil {
			fmt.Fprintln(out, "FAILED:", err)
			failed++
			continue
		}
		verdict := ""
		if m.mode == "stream" {
			verdict = fmt.Sprintf("  (bound %d MiB: ok)", RSSBound>>20)
			if peak >= RSSBound {
				verdict = fmt.Sprintf("  (bound %d MiB: EXCEEDED)", RSSBound>>20)
				failed++
			}
		}
		fmt.Fprintf(out, "%-42s peak RSS %6.1f MiB in %s%s\n", m.what, float64(peak)/(1<<20), time.Since(start).Round(time.Millisecond), verdict)
	}
	if failed > 0 {
		return 1
	}
	return 0
}
