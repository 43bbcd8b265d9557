// Package follower keeps the stored recurrence clusters (migration 00021) in step with the
// database by following the change journal, as internal/indexer keeps the search index: it
// reads journal rows after the sequence stored with the clusters, reloads each affected
// recommendation, places new or reworded ones with recurrence.Index.Add, forgets deleted ones,
// and stores the assignments and the new sequence in one transaction. Rebuild starts again from
// every recommendation in the order they were issued.
package follower

import (
	"context"
	"errors"
	"log/slog"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/casereview/casereview/internal/recurrence"
	"github.com/casereview/casereview/internal/search"
	"github.com/casereview/casereview/internal/store"
)

// Source is what the follower reads and writes.
type Source interface {
	JournalAfter(ctx context.Context, after int64, limit int) ([]store.JournalEntry, error)
	JournalHead(ctx context.Context) (int64, error)
	AffectedRecommendations(ctx context.Context, entityType string, ids []string) ([]string, error)
	SearchDocuments(ctx context.Context, ids []string) ([]search.Document, error)
	RecommendationIDsAfter(ctx context.Context, after string, limit int) ([]string, error)
	RecurrenceState(ctx context.Context) (int64, map[string]string, error)
	SaveRecurrence(ctx context.Context, set map[string]string, drop []string, seq int64, replace bool) error
}

// Follower holds the in-memory clusterer and follows the journal into the stored clusters.
type Follower struct {
	src  Source
	log  *slog.Logger
	mu   sync.Mutex
	idx  *recurrence.Index
	seen map[string]string // id -> the text/sector/themes key it was placed with
	seq  int64
}

const batch = 2000

// Open loads the stored clusters and every recommendation's text, so that new ones are placed
// against all earlier ones. Recommendations with no stored cluster are placed by the next Step
// or Rebuild.
func Open(ctx context.Context, src Source, log *slog.Logger) (*Follower, error) {
	seq, members, err := src.RecurrenceState(ctx)
	if err != nil {
		return nil, err
	}
	f := &Follower{src: src, log: log, idx: recurrence.New(recurrence.Default), seen: map[string]string{}, seq: seq}
	docs, err := f.all(ctx)
	if err != nil {
		return nil, err
	}
	var missing []search.Document
	for _, d := range docs {
		if c, ok := members[d.ID]; ok {
			f.idx.Assign(item(d), c)
			f.seen[d.ID] = key(d)
		} else {
			missing = append(missing, d)
		}
	}
	if len(missing) > 0 && seq > 0 {
		set := map[string]string{}
		for _, d := range missing {
			set[d.ID] = f.idx.Add(item(d))
			f.seen[d.ID] = key(d)
		}
		if err := src.SaveRecurrence(ctx, set, nil, seq, false); err != nil {
			return nil, err
		}
	}
	if seq == 0 {
		if err := f.rebuild(ctx, docs); err != nil {
			return nil, err
		}
	}
	return f, nil
}

// all loads every recommendation's document, in the order they were issued.
func (f *Follower) all(ctx context.Context) ([]search.Document, error) {
	var docs []search.Document
	after := ""
	for {
		ids, err := f.src.RecommendationIDsAfter(ctx, after, batch)
		if err != nil {
			return nil, err
		}
		if len(ids) == 0 {
			break
		}
		d, err := f.src.SearchDocuments(ctx, ids)
		if err != nil {
			return nil, err
		}
		docs = append(docs, d...)
		after = ids[len(ids)-1]
	}
	sortDocs(docs)
	return docs, nil
}

func sortDocs(docs []search.Document) {
	sort.SliceStable(docs, func(i, j int) bool {
		if !docs[i].IssuedOn.Equal(docs[j].IssuedOn) {
			return docs[i].IssuedOn.Before(docs[j].IssuedOn)
		}
		return docs[i].ID < docs[j].ID
	})
}

func item(d search.Document) recurrence.Item {
	it := recurrence.Item{ID: d.ID, Text: d.Title + ". " + d.Text, Themes: d.ThemeCodes}
	if len(d.Sectors) > 0 {
		it.Sector = d.Sectors[0]
	}
	return it
}

func key(d search.Document) string {
	return d.Title + "\x00" + d.Text + "\x00" + strings.Join(d.Sectors, ",") + "\x00" + strings.Join(d.ThemeCodes, ",")
}

// Rebuild places every recommendation afresh and replaces the stored clusters.
func (f *Follower) Rebuild(ctx context.Context) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	docs, err := f.all(ctx)
	if err != nil {
		return err
	}
	return f.rebuild(ctx, docs)
}

func (f *Follower) rebuild(ctx context.Context, docs []search.Document) error {
	head, err := f.src.JournalHead(ctx)
	if err != nil {
		return err
	}
	f.idx = recurrence.New(recurrence.Default)
	f.seen = map[string]string{}
	set := make(map[string]string, len(docs))
	for _, d := range docs {
		set[d.ID] = f.idx.Add(item(d))
		f.seen[d.ID] = key(d)
	}
	if err := f.src.SaveRecurrence(ctx, set, nil, head, true); err != nil {
		return err
	}
	f.seq = head
	return nil
}

// Step applies one batch of journal rows and returns how many it read. A gap in the journal
// (rows pruned while nobody followed) is answered by a full rebuild.
func (f *Follower) Step(ctx context.Context) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	rows, err := f.src.JournalAfter(ctx, f.seq, batch)
	if err != nil || len(rows) == 0 {
		return 0, err
	}
	if rows[0].Seq != f.seq+1 {
		docs, err := f.all(ctx)
		if err != nil {
			return 0, err
		}
		return len(rows), f.rebuild(ctx, docs)
	}
	byType := map[string][]string{}
	for _, r := range rows {
		byType[r.EntityType] = append(byType[r.EntityType], r.EntityID)
	}
	affected := map[string]bool{}
	for typ, ents := range byType {
		ids, err := f.src.AffectedRecommendations(ctx, typ, ents)
		if err != nil {
			return 0, err
		}
		for _, id := range ids {
			affected[id] = true
		}
	}
	ids := make([]string, 0, len(affected))
	for id := range affected {
		ids = append(ids, id)
	}
	var docs []search.Document
	for start := 0; start < len(ids); start += 1000 {
		d, err := f.src.SearchDocuments(ctx, ids[start:min(start+1000, len(ids))])
		if err != nil {
			return 0, err
		}
		docs = append(docs, d...)
	}
	sortDocs(docs)
	found := map[string]bool{}
	set := map[string]string{}
	for _, d := range docs {
		found[d.ID] = true
		if f.seen[d.ID] == key(d) {
			continue // a status change or an action: the words are the same, the cluster stays
		}
		set[d.ID] = f.idx.Add(item(d))
		f.seen[d.ID] = key(d)
	}
	var drop []string
	for _, id := range ids {
		if !found[id] && f.seen[id] != "" {
			f.idx.Remove(id)
			delete(f.seen, id)
			drop = append(drop, id)
		}
	}
	last := rows[len(rows)-1].Seq
	if err := f.src.SaveRecurrence(ctx, set, drop, last, false); err != nil {
		return 0, err
	}
	f.seq = last
	return len(rows), nil
}

// CatchUp steps until the journal has nothing more.
func (f *Follower) CatchUp(ctx context.Context) error {
	for {
		n, err := f.Step(ctx)
		if err != nil || n == 0 {
			return err
		}
	}
}

// Run follows the journal until ctx ends, looking every poll.
func (f *Follower) Run(ctx context.Context, poll time.Duration) {
	for {
		if err := f.CatchUp(ctx); err != nil && !errors.Is(err, context.Canceled) {
			f.log.Warn("recurrence: following the journal", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(poll):
		}
	}
}

// Nearest returns the earlier recommendations closest to a draft (ids and scores; the caller
// filters them by what the reader may see).
func (f *Follower) Nearest(text, sector string, themes []string, k int, min float64) []recurrence.Match {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.idx.Nearest(recurrence.Item{ID: "\x00draft", Text: text, Sector: sector, Themes: themes}, k, min)
}
