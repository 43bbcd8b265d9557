// Package bleve implements search.Index with bleve: an explicit mapping (the default mapping
// is disabled, so nothing is indexed by accident), an English analyser with stemming for text,
// keyword fields for facets and filters, and the applied journal sequence stored inside the
// index, written in the same batch as the documents it covers.
package bleve

import (
	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/standard"
	"github.com/blevesearch/bleve/v2/mapping"
)

// MappingVersion changes whenever the mapping below changes; an index built with another
// version is rebuilt. 6: organisation_text carries the addressees' aliases too, so a search for
// a merged organisation's old name finds its recommendations. 7: the text analyser keeps "A&E"
// and "news" whole and reads a lone "&" as "and" (analyzer.go); organisation_text is stored, so a
// hit found by its addressee can say so; "pairs" holds each two neighbouring words of the title
// and text, so words found together can be favoured cheaply. 8: "pairs" also holds each word
// with the stop words just before it ("out of hour"), so a phrase of stop words and one word is
// not that word anywhere. 9: "record_key" holds each recommendation's record key, so published
// search figures are perturbed from their records' keys (the cell key method). 10: the same
// mapping; migration 00029 drew record keys for the recommendations the bulk import had given
// key 0, so every document's record_key is read again from the database.
const MappingVersion = 10

// Field names in the index.
const (
	fText              = "text"
	fResponseDue       = "response_due"
	fLastActivity      = "last_activity_on"
	fFollowUp          = "follow_up_on"
	fTargets           = "unfinished_targets"
	fClosed            = "closed"       // "yes" or "no"
	fHasActivity       = "has_activity" // "yes" or "no"
	fVersion           = "version"      // stored: reconciliation compares it with the database
	fPlain             = "plain"        // text and title unstemmed, for typo tolerance
	fPairs             = "pairs"        // title and text as pairs of neighbouring terms, for proximity
	fTitle             = "title"
	fReviewTitle       = "review_title"
	fOrganisationText  = "organisation_text"
	fPartnershipText   = "partnership_text"
	fNumber            = "number"
	fReviewID          = "review_id"
	fReviewType        = "review_type"
	fReviewReference   = "review_reference"
	fPartnershipID     = "partnership_id"
	fAreaCodes         = "area_codes"
	fYear              = "year"
	fYearKeyword       = "year_kw"
	fIssuedOn          = "issued_on"
	fVisibility        = "visibility"
	fOrganisationIDs   = "organisation_ids"
	fSectors           = "sectors"
	fThemeCodes        = "theme_codes"
	fThemeSlugs        = "theme_slugs"
	fThemeGroups       = "theme_groups"
	fThemeText         = "theme_text" // the labels of the themes, for theme:"label words"
	fIntervention      = "intervention_type"
	fScope             = "scope"
	fResponse          = "response_status"
	fImplementation    = "implementation_status"
	fOversight         = "oversight_status"
	fRecordKey         = "record_key" // the cell key method's record key, in decimal
	docType            = "recommendation"
	keyAppliedSeq      = "casereview.applied_seq"
	keyMappingVersion  = "casereview.mapping_version"
	highlightFragments = 3
)

// orgBoost weighs the addressees' names and aliases against the text. Their few words make a
// field whose every term scores high (tf-idf divides by the square root of a field's length), and
// coroners' concerns run to hundreds or thousands of words, so at 0.1 a recommendation merely
// addressed to the CQC outranked a long one about it; at 0.02 a text several thousand words long
// that names the CQC once still ranks first.
const orgBoost = 0.02

// textFields are searched by bare words, with their boosts: what a recommendation says first,
// its addressees' names last, so a recommendation that merely names the CQC as an addressee
// ranks below those about the CQC (agency: searches the names alone).
// The text and the title come first: phraseQuery relies on it.
var textFields = []struct {
	name  string
	boost float64
}{{fText, 1}, {fTitle, 2}, {fReviewTitle, 0.3}, {fOrganisationText, orgBoost}}

func newMapping() *mapping.IndexMappingImpl {
	text := func(store bool) *mapping.FieldMapping {
		f := bleve.NewTextFieldMapping()
		f.Analyzer = TextAnalyzer
		f.Store = store
		f.IncludeTermVectors = true // phrases (agency:"two words", multi-word synonyms) and highlighting need positions
		f.IncludeInAll = false
		return f
	}
	kw := func() *mapping.FieldMapping {
		f := bleve.NewKeywordFieldMapping()
		f.Analyzer = keyword.Name
		f.Store = false
		f.IncludeInAll = false
		f.DocValues = true
		return f
	}
	doc := bleve.NewDocumentStaticMapping()
	doc.AddFieldMappingsAt(fText, text(true))
	doc.AddFieldMappingsAt(fTitle, text(true))
	doc.AddFieldMappingsAt(fReviewTitle, text(false))
	doc.AddFieldMappingsAt(fOrganisationText, text(true))
	doc.AddFieldMappingsAt(fPartnershipText, text(false))
	doc.AddFieldMappingsAt(fThemeText, text(false))
	plain := bleve.NewTextFieldMapping()
	plain.Analyzer = standard.Name // lower case, no stemming: edit distance is counted on real words
	plain.Store, plain.IncludeTermVectors, plain.IncludeInAll = false, false, false
	doc.AddFieldMappingsAt(fPlain, plain)
	pairs := bleve.NewTextFieldMapping()
	pairs.Analyzer = PairsAnalyzer
	pairs.Store, pairs.IncludeTermVectors, pairs.IncludeInAll = false, false, false
	doc.AddFieldMappingsAt(fPairs, pairs)
	for _, f := range []string{fNumber, fReviewID, fReviewType, fReviewReference, fPartnershipID, fAreaCodes, fYearKeyword, fVisibility,
		fOrganisationIDs, fSectors, fThemeCodes, fThemeSlugs, fThemeGroups, fIntervention, fScope, fResponse, fImplementation, fOversight, fRecordKey} {
		doc.AddFieldMappingsAt(f, kw())
	}
	version := bleve.NewNumericFieldMapping()
	version.Store, version.IncludeInAll = true, false
	doc.AddFieldMappingsAt(fVersion, version)
	year := bleve.NewNumericFieldMapping()
	year.IncludeInAll = false
	doc.AddFieldMappingsAt(fYear, year)
	for _, f := range []string{fIssuedOn, fResponseDue, fLastActivity, fFollowUp, fTargets} {
		dt := bleve.NewDateTimeFieldMapping()
		dt.IncludeInAll = false
		doc.AddFieldMappingsAt(f, dt)
	}
	for _, f := range []string{fClosed, fHasActivity} {
		doc.AddFieldMappingsAt(f, kw())
	}

	m := bleve.NewIndexMapping()
	m.DefaultMapping = bleve.NewDocumentDisabledMapping()
	m.AddDocumentMapping(docType, doc)
	m.TypeField = "_type"
	m.DefaultAnalyzer = TextAnalyzer
	return m
}
