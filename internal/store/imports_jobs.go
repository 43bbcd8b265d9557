package store

import (
	"context"
	"encoding/json"
	"hash/fnv"
	"time"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/migrations"
)

type importJobRow struct {
	ID         string     `gorm:"column:id;primaryKey"`
	Kind       string     `gorm:"column:kind"`
	FileName   string     `gorm:"column:file_name"`
	DryRun     bool       `gorm:"column:dry_run"`
	Status     string     `gorm:"column:status"`
	Done       int        `gorm:"column:done"`
	Total      int        `gorm:"column:total"`
	ResultJSON *string    `gorm:"column:result_json"`
	ReportJSON *string    `gorm:"column:report_json"`
	Error      string     `gorm:"column:error"`
	CreatedBy  *string    `gorm:"column:created_by"`
	CreatedAt  time.Time  `gorm:"column:created_at"`
	FinishedAt *time.Time `gorm:"column:finished_at"`
}

func (importJobRow) TableName() string { return "import_jobs" }

func (r importJobRow) domain() casereview.ImportJob {
	j := casereview.ImportJob{ID: r.ID, Kind: r.Kind, FileName: r.FileName, DryRun: r.DryRun, Status: r.Status, Done: r.Done,
		Total: r.Total, Error: r.Error, CreatedBy: deref(r.CreatedBy), CreatedAt: r.CreatedAt.UTC(), Report: []casereview.ImportIssue{}}
	if r.FinishedAt != nil {
		t := r.FinishedAt.UTC()
		j.FinishedAt = &t
	}
	if r.ResultJSON != nil {
		var res casereview.ImportResult
		if json.Unmarshal([]byte(*r.ResultJSON), &res) == nil {
			j.Result = &res
		}
	}
	if r.ReportJSON != nil {
		_ = json.Unmarshal([]byte(*r.ReportJSON), &j.Report)
	}
	return j
}

// CreateImportJob records a queued import for the caller, who must be signed in; the request
// is audited. What the import writes is checked and audited when it runs.
func (s *Store) CreateImportJob(ctx context.Context, kind, fileName string, dryRun bool) (casereview.ImportJob, error) {
	a := actorOf(ctx)
	if !a.SignedIn() {
		return casereview.ImportJob{}, casereview.Unauthenticated()
	}
	if kind == "state" {
		// A whole-state import (bulk JSON /2): admins only. The job is a json job.
		if !casereview.CanMoveState(a) {
			return casereview.ImportJob{}, deny(ctx, "only admins import an instance's state")
		}
		kind = "json"
	} else if !casereview.CanStartImport(a) {
		return casereview.ImportJob{}, deny(ctx, "only panel members import reviews")
	}
	var p casereview.Problems
	if kind != "actionplan" && kind != "json" {
		p.Add("kind", casereview.FieldUnknownValue, "%q is not one of: actionplan, json", kind)
	}
	casereview.CheckText(&p, "file", fileName, false, 300)
	if err := p.Err(); err != nil {
		return casereview.ImportJob{}, err
	}
	row := importJobRow{ID: newID(), Kind: kind, FileName: fileName, DryRun: dryRun, Status: casereview.JobQueued, CreatedBy: optional(a.UserID)}
	err := s.inTx(ctx, func(t *tx) error {
		row.CreatedAt = t.now
		t.audit(casereview.AuditImportRequested, "import", row.ID, nil, map[string]any{"kind": kind, "file_name": fileName, "dry_run": dryRun})
		return t.db.Create(&row).Error
	})
	return row.domain(), err
}

// UpdateImportJob records progress or the end of a job. Only the job's creator's own runner
// calls it (the API starts it with the creator's context).
func (s *Store) UpdateImportJob(ctx context.Context, j casereview.ImportJob) error {
	cur, err := s.GetImportJob(ctx, j.ID)
	if err != nil {
		return err
	}
	if !casereview.CanUpdateImportJob(actorOf(ctx), cur.CreatedBy) {
		return casereview.NotFound("import")
	}
	up := map[string]any{"status": j.Status, "done": j.Done, "total": j.Total, "error": j.Error}
	if j.Result != nil {
		b, _ := json.Marshal(j.Result)
		up["result_json"] = string(b)
	}
	if j.Report != nil {
		b, _ := json.Marshal(j.Report)
		up["report_json"] = string(b)
	}
	if j.FinishedAt != nil {
		up["finished_at"] = j.FinishedAt.UTC()
	}
	return translate(s.write.WithContext(ctx).Model(&importJobRow{}).Where("id = ?", j.ID).Updates(up).Error)
}

// GetImportJob returns a job to the user who started it, to oversight and to admins.
func (s *Store) GetImportJob(ctx context.Context, id string) (casereview.ImportJob, error) {
	id, ok := casereview.NormaliseID(id)
	if !ok {
		return casereview.ImportJob{}, casereview.NotFound("import")
	}
	var row importJobRow
	if err := s.read.WithContext(ctx).Where("id = ?", id).Take(&row).Error; err != nil {
		return casereview.ImportJob{}, notFoundAs(err, "import")
	}
	a := actorOf(ctx)
	if !casereview.CanReadImportJob(a, deref(row.CreatedBy)) {
		return casereview.ImportJob{}, casereview.NotFound("import")
	}
	return row.domain(), nil
}

// orphanMessage is what a job whose runner died says.
const orphanMessage = "the process running this import stopped before it finished; nothing of it was written"

// ClaimImportJob marks a job as run by this process until release is called. On PostgreSQL,
// where several processes share the jobs, it holds a session advisory lock on the job on a
// connection of its own: the lock ends with the process, however it ends, so a starting
// process can tell a job whose runner died from one another process is running. On SQLite one
// process owns the file, and a claim is only a note.
func (s *Store) ClaimImportJob(ctx context.Context, id string) (release func(), err error) {
	if s.dialect != migrations.Postgres {
		return func() {}, nil
	}
	db, err := s.write.DB()
	if err != nil {
		return nil, err
	}
	conn, err := db.Conn(ctx)
	if err != nil {
		return nil, translate(err)
	}
	if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock($1)", jobLockKey(id)); err != nil {
		conn.Close()
		return nil, translate(err)
	}
	return func() {
		_, _ = conn.ExecContext(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock($1)", jobLockKey(id))
		conn.Close()
	}, nil
}

func jobLockKey(id string) int64 {
	h := fnv.New64a()
	h.Write([]byte("import_job:" + id))
	return int64(h.Sum64())
}

// FailOrphanedImportJobs marks failed the jobs whose runner died (a crash, kill -9, a restart
// mid-import), so that none stays running for ever; what such a job wrote was rolled back
// with its transaction. It runs when the application starts. A running job is orphaned when no
// process holds its claim (on SQLite: always, at start); a queued one when it has waited over
// a minute for a runner that never claimed it.
func (s *Store) FailOrphanedImportJobs(ctx context.Context) (int, error) {
	var rows []importJobRow
	now := s.now().UTC()
	err := s.write.WithContext(ctx).Where("status = ? OR (status = ? AND created_at < ?)", casereview.JobRunning, casereview.JobQueued,
		now.Add(-time.Minute)).Find(&rows).Error
	if err != nil {
		return 0, translate(err)
	}
	var orphans []string
	for _, r := range rows {
		if s.dialect == migrations.Postgres && r.Status == casereview.JobRunning {
			held, err := s.claimHeld(ctx, r.ID)
			if err != nil {
				return 0, err
			}
			if held {
				continue
			}
		}
		orphans = append(orphans, r.ID)
	}
	if len(orphans) == 0 {
		return 0, nil
	}
	err = s.write.WithContext(ctx).Model(&importJobRow{}).Where("id IN ? AND status IN ?", orphans, []string{casereview.JobQueued, casereview.JobRunning}).
		Updates(map[string]any{"status": casereview.JobFailed, "error": orphanMessage, "finished_at": now}).Error
	return len(orphans), translate(err)
}

// claimHeld reports whether some process holds a job's claim.
func (s *Store) claimHeld(ctx context.Context, id string) (bool, error) {
	db, err := s.write.DB()
	if err != nil {
		return false, err
	}
	conn, err := db.Conn(ctx)
	if err != nil {
		return false, translate(err)
	}
	defer conn.Close()
	var got bool
	if err := conn.QueryRowContext(ctx, "SELECT pg_try_advisory_lock($1)", jobLockKey(id)).Scan(&got); err != nil {
		return false, translate(err)
	}
	if got {
		_, _ = conn.ExecContext(ctx, "SELECT pg_advisory_unlock($1)", jobLockKey(id))
	}
	return !got, nil
}
