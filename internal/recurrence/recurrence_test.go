package recurrence

import (
	"fmt"
	"testing"
)

var (
	dash1 = Item{ID: "a", Text: "The police should ensure that all frontline officers receive refresher training in completing the DASH risk assessment.", Sector: "police"}
	dash2 = Item{ID: "b", Text: "Refresher training on completing the DASH risk assessment should be delivered to all frontline police officers.", Sector: "police"}
	other = Item{ID: "c", Text: "GP practices should send discharge letters to the mental health trust within seven days.", Sector: "health"}
)

func TestSameAskJoinsTheEarlierCluster(t *testing.T) {
	x := New(Default)
	if c := x.Add(dash1); c != "a" {
		t.Fatalf("first item starts its own cluster, got %q", c)
	}
	if c := x.Add(other); c != "c" {
		t.Fatalf("unrelated item should start a cluster, got %q", c)
	}
	if c := x.Add(dash2); c != "a" {
		t.Fatalf("a rewording of a should join a's cluster, got %q (score %.2f)", c, x.Score(dash1, dash2))
	}
	near := x.Nearest(Item{ID: "draft", Text: "Officers need refresher training on the DASH risk assessment"}, 5, 0.05)
	if len(near) == 0 || near[0].Cluster != "a" {
		t.Fatalf("draft about DASH training should find cluster a first, got %+v", near)
	}
	for _, m := range near {
		if m.ID == "c" {
			t.Fatalf("unrelated item among nearest: %+v", near)
		}
	}
}

func TestIncrementalEqualsRebuildAndRemoveForgets(t *testing.T) {
	items := []Item{dash1, other, dash2}
	for i := 0; i < 30; i++ {
		items = append(items, Item{ID: fmt.Sprintf("n%02d", i), Text: fmt.Sprintf("Filler recommendation number %d about topic%d and subject%d", i, i, i*7)})
	}
	a, b := New(Default), New(Default)
	for _, it := range items {
		a.Add(it)
	}
	for _, it := range items {
		b.Add(it)
	}
	for _, it := range items {
		if a.Cluster(it.ID) != b.Cluster(it.ID) {
			t.Fatalf("%s: %q vs %q", it.ID, a.Cluster(it.ID), b.Cluster(it.ID))
		}
	}
	a.Remove("b")
	if a.Cluster("b") != "" || a.Len() != len(items)-1 {
		t.Fatalf("remove did not forget b")
	}
	for _, m := range a.Nearest(dash2, 10, 0) {
		if m.ID == "b" {
			t.Fatalf("removed item still a candidate")
		}
	}
}

func TestStems(t *testing.T) {
	got := Stems("Assessments assessing the assessed")
	if len(got) != 3 || got[0] != got[1] || got[1] != got[2] {
		t.Fatalf("stems should meet: %v", got)
	}
}
