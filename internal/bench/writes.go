package bench

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/casereview/casereview/internal/casereview"
)

// token makes a word no corpus text holds, from n (letters only, so every analyser keeps it whole).
func token(prefix string, n int) string {
	var b strings.Builder
	b.WriteString(prefix)
	for i := 0; i < 4; i++ {
		b.WriteByte(byte('a' + n%26))
		n /= 26
	}
	b.WriteString("q")
	return b.String()
}

// untilFound searches for word until the hits include id, and returns when that happened.
func (e *Env) untilFound(word, id string, limit time.Duration) (time.Time, error) {
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		a, _, err := e.search(Query{Text: word, Facets: "none"})
		if err != nil {
			return time.Time{}, err
		}
		for _, it := range a.Items {
			if it.Recommendation.ID == id {
				return time.Now(), nil
			}
		}
		time.Sleep(time.Millisecond)
	}
	return time.Time{}, fmt.Errorf("%s was not searchable for %q after %s", id, word, limit)
}

func writesAndMemory(e *Env) error {
	sys := casereview.WithActor(e.Ctx, casereview.System)
	revs, err := e.Store.ListReviews(sys, casereview.ReviewFilter{PartnershipID: e.Loaded.PanelPartnership}, casereview.PageRequest{Limit: 1})
	if err != nil || len(revs.Items) == 0 {
		return fmt.Errorf("no review of the panel's partnership to write into: %v", err)
	}
	review := revs.Items[0].ID
	const n = 30
	create, update, writeOnly := &Sample{}, &Sample{}, &Sample{}
	applied := 0
	for i := range n {
		word := token("zqcreate", i)
		t0 := time.Now()
		st, body, hdr, err := e.User.Do(http.MethodPost, "/api/v1/recommendations", map[string]any{"review_id": review, "number": fmt.Sprintf("W%d", i+1),
			"text": "Benchmark write " + word + ": agencies should record the outcome of every referral.", "scope": "local"})
		if err != nil {
			return err
		}
		writeOnly.Add(time.Since(t0))
		if st != http.StatusCreated {
			return fmt.Errorf("create: %d %s", st, body)
		}
		if hdr.Get("X-Search-Consistency") == "applied" {
			applied++
		}
		var rec struct {
			ID string `json:"id"`
		}
		if err := json.Unmarshal(body, &rec); err != nil {
			return err
		}
		found, err := e.untilFound(word, rec.ID, 10*time.Second)
		if err != nil {
			return err
		}
		create.Add(found.Sub(t0))

		word = token("zqupdate", i)
		t0 = time.Now()
		st, body, _, err = e.User.Do(http.MethodPatch, "/api/v1/recommendations/"+rec.ID, map[string]any{"text": "Benchmark update " + word + ": changed wording."},
			"If-Match", "*")
		if err != nil {
			return err
		}
		if st != http.StatusOK {
			return fmt.Errorf("update: %d %s", st, body)
		}
		if found, err = e.untilFound(word, rec.ID, 10*time.Second); err != nil {
			return err
		}
		update.Add(found.Sub(t0))
	}
	e.Printf("write to searchable, through the API as the panel user (write, then search until the hit appears):\n")
	e.Printf("  create: %s\n", create.Summary())
	e.Printf("  update: %s\n", update.Summary())
	e.Printf("  (the create request alone: %s; %d of %d answered X-Search-Consistency: applied, i.e. read-your-writes)\n", writeOnly.Summary(), applied, n)

	var size int64
	files := 0
	err = filepath.WalkDir(filepath.Join(e.DataDir, "index"), func(_ string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		info, err := d.Info()
		if err == nil {
			size += info.Size()
			files++
		}
		return nil
	})
	if err != nil {
		return err
	}
	e.Printf("index size on disk: %.1f MiB in %d files (%d recommendations)\n", float64(size)/(1<<20), files, e.Loaded.Recommendations+n)
	rss, hwm := procStatus("VmRSS"), procStatus("VmHWM")
	e.Printf("process memory: RSS %s, peak RSS %s (the whole benchmark process: application, index, corpus and the load's leftovers)\n", rss, hwm)
	return nil
}

// procStatus reads one line of /proc/self/status.
func procStatus(key string) string {
	raw, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return "unknown"
	}
	for _, line := range strings.Split(string(raw), "\n") {
		if v, ok := strings.CutPrefix(line, key+":"); ok {
			var kb int64
			fmt.Sscan(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), &kb)
			return fmt.Sprintf("%.0f MiB", float64(kb)/1024)
		}
	}
	return "unknown"
}
