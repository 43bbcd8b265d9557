package pfdimport_test

// Every fixture here is FICTIONAL: invented text in the shapes the PFD corpus uses, naming
// made-up places and people. Nothing is copied from the corpus.

import (
	"reflect"
	"strings"
	"testing"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/importer/pfdimport"
)

func items(text string) []string {
	var got []string
	for _, it := range pfdimport.SplitConcerns(text) {
		got = append(got, it.Number+":"+it.Text)
	}
	return got
}

func TestSplitConcerns(t *testing.T) {
	const boiler = "During the course of the inquest the evidence revealed matters giving rise to concern. The MATTERS OF CONCERN are as follows. –"
	cases := []struct {
		name string
		in   string
		want []string
	}{
		{"unnumbered", "Staff were not trained.", []string{"1:Staff were not trained."}},
		{"line starts, mixed forms", "1. First concern.\n2. Second concern,\nwhich runs on.\n3) Third.",
			[]string{"1:First concern.", "2:Second concern,\nwhich runs on.", "3:Third."}},
		{"a short heading stays with item 1", "The matters are:\n\n1. A.\n\n2. B, citing paragraph 4. of the guidance.",
			[]string{"1:The matters are:\n\nA.", "2:B, citing paragraph 4. of the guidance."}},
		{"a lone number is no list", "1. Only one numbered item.", []string{"1:1. Only one numbered item."}},
		{"a later number out of sequence", "(1) A.\n(2) B.\n5. not a next number", []string{"1:A.", "2:B.\n5. not a next number"}},
		{"inline (1) (2)", boiler + " (1) The ward at Eastmere had no ligature audit. (2) The night staff at Eastmere were agency staff (3) Nobody checked the s135(1) warrant.",
			[]string{"1:" + boiler + "\n\nThe ward at Eastmere had no ligature audit.", "2:The night staff at Eastmere were agency staff", "3:Nobody checked the s135(1) warrant."}},
		{"inline 1) 2)", "Concerns: 1) The crossing at Northfold has no signal. 2) Drivers at the crossing 1) and 2) are not warned.",
			[]string{"1:Concerns:\n\nThe crossing at Northfold has no signal.", "2:Drivers at the crossing 1) and 2) are not warned."}},
		{"inline 1. 2.", "The MATTERS OF CONCERN are as follows: 1. Training of call handlers aged 2. He said. 2. Supervision of call handlers.",
			[]string{"1:The MATTERS OF CONCERN are as follows:\n\nTraining of call handlers aged 2. He said.", "2:Supervision of call handlers."}},
		{"lettered inline a) b) c)", "The concerns relate to key areas a) Safeguarding b) Mental health provision c) Inter-agency communication.",
			[]string{"a:The concerns relate to key areas\n\nSafeguarding", "b:Mental health provision", "c:Inter-agency communication."}},
		{"lettered (a) (b)", "As follows. – (a) The absence of training for clinicians. (b) Weak record keeping.",
			[]string{"a:As follows. –\n\nThe absence of training for clinicians.", "b:Weak record keeping."}},
		{"lettered a. at line starts", "I have concerns in two areas:\n\na. Two scoring systems are used.\n\nb. Neither is audited.",
			[]string{"a:I have concerns in two areas:\n\nTwo scoring systems are used.", "b:Neither is audited."}},
		{"roman at line starts", "i) The lift at Westvale House was not serviced.\nii) The alarm was not tested.",
			[]string{"i:The lift at Westvale House was not serviced.", "ii:The alarm was not tested."}},
		{"lower-case inline enumerations stay in their sentence", "It was apparent that (a) the family was not consulted and (b) the plan was not shared.",
			[]string{"1:It was apparent that (a) the family was not consulted and (b) the plan was not shared."}},
		{"nested letters stay in their numbered item", "1. Risk: (a) Staff did not know. (b) Nobody asked.\n2. Records.",
			[]string{"1:Risk: (a) Staff did not know. (b) Nobody asked.", "2:Records."}},
		{"the template footer does not hide a marker", "1. The GP at Anytown. Regulation 28 – After Inquest Document Template Updated 30/07/2021 2. During a call nobody answered.",
			[]string{"1:The GP at Anytown.", "2:During a call nobody answered."}},
		{"a long preamble about the Mental Health Act is kept", strings.Repeat("The Mental Health Act assessment at Northfold was delayed. ", 8) + "\n1. Beds.\n2. Warrants.",
			[]string{"1:" + strings.TrimSpace(strings.Repeat("The Mental Health Act assessment at Northfold was delayed. ", 8)) + "\n\nBeds.", "2:Warrants."}},
	}
	for _, c := range cases {
		if got := items(c.in); !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: SplitConcerns(%q)\n got %q\nwant %q", c.name, c.in, got, c.want)
		}
	}
}

func TestSplitReceivers(t *testing.T) {
	cases := []struct {
		name, in string
		want     []string
	}{
		{"semicolons", "Northfold County Council; Eastmere Highways Ltd", []string{"Northfold County Council", "Eastmere Highways Ltd"}},
		{"a numbered list on one line", "1. NHS England 2. Castlebrook Health Centre", []string{"NHS England", "Castlebrook Health Centre"}},
		{"numbered with commas and page numbers", "1 , Secretary of State for Health and Social Care 2 , Chief Executive, Westvale NHS Foundation Trust 1",
			[]string{"Secretary of State for Health and Social Care", "Westvale NHS Foundation Trust"}},
		{"numbered lines with addresses", "1. Northfold Aviation Authority, Legal Department, Beacon House, 4 Mill Road, Northfold, NF1 2AB\n2. The Chief Executive, Eastmere Hospitals NHS Trust",
			[]string{"Northfold Aviation Authority", "Legal Department", "Eastmere Hospitals NHS Trust"}},
		{"parenthesised numbers and a redacted name", "(1) [REDACTED] Managing Director, Greenfield Care Ltd, Station Road: (2) Ms A Person, CEO, Westvale Hospital NHS Trust",
			[]string{"Greenfield Care Ltd", "Westvale Hospital NHS Trust"}},
		{"lettered", "a) Northfold Council b) Eastmere Police", []string{"Northfold Council", "Eastmere Police"}},
		{"a line per recipient", "HMP Northgate\nHealthcare - Anyplace Health Group\nMinistry of Justice",
			[]string{"Ministry of Justice", "HMP Northgate", "Healthcare - Anyplace Health Group"}},
		{"an address block under one organisation", "[REDACTED] Anyplace Group Plc\nAnyplace House\n16 Business Park\nHook\nRG99 9ZZ", []string{"Anyplace Group Plc"}},
		{"the rest of a redacted recipient", "[REDACTED], Chief Executive of NICE", []string{"NICE"}},
		{"a comma list of bodies", "NHS England, Department of Health and Social Care, Care Quality Commission",
			[]string{"NHS England", "Department of Health and Social Care", "Care Quality Commission"}},
		{"places before an organisation", "Tees, Esk and Wear Valley NHS Foundation Trust", []string{"Tees, Esk and Wear Valley NHS Foundation Trust"}},
		{"nothing that looks like an organisation is kept whole", "Uber Eats; Just Eat", []string{"Uber Eats", "Just Eat"}},
		{"fully redacted", "[REDACTED] ; [REDACTED]", nil},
	}
	long := "The Chief Executive of the Northfold and Eastmere Combined Community and Mental Health Services Partnership NHS Foundation Trust for the Counties of Northfold Eastmere Westvale and Anyshire and the Islands of the Northern Sea Region and Beyond"
	cases = append(cases, struct {
		name, in string
		want     []string
	}{"no recipient is cut short", long, []string{strings.TrimPrefix(long, "The Chief Executive of the ")}})
	for _, c := range cases {
		if got := pfdimport.SplitReceivers(c.in); !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: SplitReceivers(%q)\n got %q\nwant %q", c.name, c.in, got, c.want)
		}
	}
}

func TestSplitRecipientFromTracker(t *testing.T) {
	for in, want := range map[string][]string{
		"Department for Environment, Food and Rural Affairs": {"Department for Environment, Food and Rural Affairs"},
		"Bournemouth, Anyplace and Poole Council":            {"Bournemouth, Anyplace and Poole Council"},
		"Northfold West & Chester Council":                   {"Northfold West & Chester Council"},
		"REDACTED":                                           nil,
		"Cleveland Police Roads Policing Unit":               {"Cleveland Police Roads Policing Unit"},
		"NHS England and Department for Transport":           {"NHS England", "Department for Transport"},
	} {
		if got := pfdimport.SplitRecipient(in, false); !reflect.DeepEqual(got, want) {
			t.Errorf("SplitRecipient(%q) = %q; want %q", in, got, want)
		}
	}
}

func TestCanonical(t *testing.T) {
	for want, variants := range map[string][]string{
		"NHS England":                                         {"NHS England", "NHSE", "NHS England and NHS Improvement", "Chief Executive, NHS England", "NHS England – Northern Region", "NHSE/I"},
		"Department of Health and Social Care":                {"DHSC", "Department of Health & Social Care", "Secretary of State for Health and Social Care", "The Rt Hon A Person MP, Secretary of State for Health", "Minister of State for Care"},
		"Department for Transport":                            {"Department of Transport", "DfT", "Secretary of State for Transport", "Head of Roads Policy, Department for Transport"},
		"Home Office":                                         {"Home Secretary", "Secretary of State for the Home Department", "Home Department", "The Home Office"},
		"HM Prison and Probation Service":                     {"HMPPS", "His Majesty’s Prison and Probation Service", "Her Majesty's Prison & Probation Service"},
		"Care Quality Commission":                             {"CQC", "CQC North", "The Care Quality Commission"},
		"Medicines and Healthcare products Regulatory Agency": {"MHRA", "MRHA", "Medicines and Healthcare Products Regulatory Agency"},
		"Ofsted":                                 {"Ofsted", "OFSTED"},
		"Royal College of Psychiatrists":         {"RCPsych", "The Royal College of Psychiatrists"},
		"Royal College of Radiologists":          {"Royal College of Radiology", "RCR"},
		"Royal College of General Practitioners": {"The Royal College of General Practitioners (RCGP)"},
		"Metropolitan Police Service":            {"Metropolitan Police", "London Metropolitan Police", "Commissioner of Police of the Metropolis"},
		"Durham Constabulary":                    {"Durham Police", "Chief Constable of Durham Constabulary"},
		"Hertfordshire Constabulary":             {"Chief Constable for Hertfordshire Constabulary", "Hertfordshire Police"},
		"Nottinghamshire Police":                 {"Nottingham Police", "Nottingham and Nottinghamshire Police"},
	} {
		for _, v := range variants {
			if got, _, known := pfdimport.Canonical(v); got != want || !known {
				t.Errorf("Canonical(%q) = %q (%v); want %q", v, got, known, want)
			}
		}
	}
	// Not the bodies they resemble.
	for _, v := range []string{"Surrey Police and Crime Commissioner", "HMP Northgate", "Eastmere County Council", "Police Safer Roads Team", "NHS Northfold Integrated Care Board"} {
		if got, _, known := pfdimport.Canonical(v); known || got != v {
			t.Errorf("Canonical(%q) = %q (%v); want itself, unknown", v, got, known)
		}
	}
}

func TestGroupRecipients(t *testing.T) {
	in := []string{"North West Ambulance Service NHS Trust", "Northwest Ambulance Service", "North East Ambulance Service NHS Trust",
		"Eastmere Hospitals NHS Foundation Trust", "Eastmere Hospitals NHS Trust", "Eastmere Hospital NHS Trust",
		"Westvale Council", "Westvale Council", "WESTVALE COUNCIL", "Ward 12 Unit Northfold", "Ward 13 Unit Northfold",
		"NHS England", "Chief Executive, NHS England", "NHSE"}
	groups, of := pfdimport.GroupRecipients(in)
	same := func(a, b string) bool { return of[a] == of[b] }
	for _, p := range [][2]string{{"North West Ambulance Service NHS Trust", "Northwest Ambulance Service"},
		{"Eastmere Hospitals NHS Foundation Trust", "Eastmere Hospitals NHS Trust"}, {"Eastmere Hospitals NHS Trust", "Eastmere Hospital NHS Trust"},
		{"Westvale Council", "WESTVALE COUNCIL"}, {"NHS England", "NHSE"}, {"NHS England", "Chief Executive, NHS England"}} {
		if !same(p[0], p[1]) {
			t.Errorf("%q and %q are not one organisation", p[0], p[1])
		}
	}
	for _, p := range [][2]string{{"North West Ambulance Service NHS Trust", "North East Ambulance Service NHS Trust"}, {"Ward 12 Unit Northfold", "Ward 13 Unit Northfold"}} {
		if same(p[0], p[1]) {
			t.Errorf("%q and %q were made one organisation", p[0], p[1])
		}
	}
	g := groups[of["NHSE"]]
	if g.Name != "NHS England" || !g.Known || !reflect.DeepEqual(g.Spelling, []string{"NHSE"}) {
		t.Errorf("NHS England's group: %+v", g)
	}
	if g := groups[of["Westvale Council"]]; g.Name != "Westvale Council" || !reflect.DeepEqual(g.Spelling, []string{"WESTVALE COUNCIL"}) {
		t.Errorf("Westvale's group: %+v", g)
	}
}

func TestResponseFor(t *testing.T) {
	for state, want := range map[string]casereview.ResponseStatus{
		"completed": casereview.ResponseReceived, "partial": casereview.ResponseAwaiting,
		"overdue": casereview.ResponseAwaiting, "pending": casereview.ResponseAwaiting, "": "",
	} {
		if got, ok := pfdimport.ResponseFor(state); got != want || !ok {
			t.Errorf("ResponseFor(%q) = %q, %v; want %q", state, got, ok, want)
		}
	}
	if _, ok := pfdimport.ResponseFor("withdrawn"); ok {
		t.Error("an unknown state counts as mapped")
	}
}
