//! The stages of the standard pipeline, in order. A new extractor is one module under
//! [`crate::rules`] (or [`crate::model`]) and one entry in [`standard`].

use super::{each_doc, Context, Doc, FromDoc, Pipeline, Rows, Stage, Table};
use crate::error::{Error, Result};
use crate::io::output::{GradeRow, OfficialRow, SentenceRow};
use crate::model::classifier::{SentenceClassifier, Units};
use crate::model::ner::PersonTagger;
use crate::rules::{grades, officials};
use crate::text::{context_before, Segmenter};

/// Text into units.
pub struct Segment<S>(pub S);

impl<S: Segmenter> Stage for Segment<S> {
    fn name(&self) -> &'static str {
        "segment"
    }
    fn process(&self, docs: &mut [Doc], cx: &Context<'_>) -> Result<()> {
        each_doc(docs, cx, |d| {
            let (at, len) = crate::text::segment::longest_unbroken(&d.article.text);
            if len > crate::text::segment::MAX_UNBROKEN_BYTES {
                let why = format!("not prose: {len} bytes with no sentence end or line break (from byte {at}; the limit is {}); article skipped", crate::text::segment::MAX_UNBROKEN_BYTES);
                let e = Error::input(&d.article.source, d.article.line, why);
                d.fail(e);
                return;
            }
            d.units = self.0.segment(&d.article.text);
        });
        Ok(())
    }
}

/// The texts of every unit in a chunk, in order: model stages batch across articles.
fn unit_texts(docs: &[Doc]) -> Vec<&str> {
    docs.iter().flat_map(|d| d.units.iter().map(|u| d.unit_text(u))).collect()
}

/// Each unit's context (headline and previous unit), in the order of [`unit_texts`].
fn unit_contexts(docs: &[Doc]) -> Vec<Option<String>> {
    docs.iter().flat_map(|d| d.units.iter().map(|u| context_before(&d.article.text, &d.units, u.start))).collect()
}

/// Hand a model's per-unit results back to the documents they came from.
fn scatter<T>(docs: &mut [Doc], results: Vec<T>, stage: &str, mut put: impl FnMut(&mut Doc, Vec<T>)) -> Result<()> {
    let expected: usize = docs.iter().map(|d| d.units.len()).sum();
    if results.len() != expected {
        return Err(Error::Internal(format!("stage {stage} returned {} results for {expected} units", results.len())));
    }
    let mut rest = results.into_iter();
    for d in docs {
        let mine: Vec<T> = rest.by_ref().take(d.units.len()).collect();
        put(d, mine);
    }
    Ok(())
}

/// Each unit labelled strength, improvement or other.
pub struct Classify<C>(pub C);

impl<C: SentenceClassifier> Stage for Classify<C> {
    fn name(&self) -> &'static str {
        "classify"
    }
    fn process(&self, docs: &mut [Doc], cx: &Context<'_>) -> Result<()> {
        let texts = unit_texts(docs);
        let contexts = self.0.reads_context().then(|| unit_contexts(docs));
        let preds = self.0.predict(Units { texts: &texts, contexts: contexts.as_deref() }, &mut |n| cx.progress.sentences_done(n))?;
        scatter(docs, preds, self.name(), |d, p| d.predictions = p)
    }
    fn tables(&self) -> Vec<Box<dyn Table>> {
        vec![Rows::<SentenceRow>::table()]
    }
}

impl FromDoc for SentenceRow {
    fn of(d: &Doc) -> Vec<SentenceRow> {
        d.classified()
            .map(|u| SentenceRow {
                article_id: d.article.id.clone(),
                sentence_index: u.index,
                start: u.start,
                end: u.end,
                label: u.label,
                confidence: u.confidence,
                p_strength: u.p_strength,
                p_improvement: u.p_improvement,
                p_other: u.p_other,
                text: d.article.text[u.start..u.end].to_string(),
            })
            .collect()
    }
}

/// Person mentions from the NER model, moved to article offsets.
pub struct FindPeople<P>(pub P);

impl<P: PersonTagger> Stage for FindPeople<P> {
    fn name(&self) -> &'static str {
        "people"
    }
    fn process(&self, docs: &mut [Doc], _: &Context<'_>) -> Result<()> {
        let spans = self.0.tag(&unit_texts(docs), &mut |_| {})?;
        scatter(docs, spans, self.name(), |d, per_unit| {
            d.people = d.units.iter().zip(per_unit).flat_map(|(u, spans)| spans.into_iter().map(move |s| officials::Mention::from_span(&s, u.start, u.end))).collect();
        })
    }
}

/// A person tagger that only sees the units that can hold a name
/// ([`officials::candidates::may_name_person`]); the others get no spans. `every_unit` turns the
/// gate off (`--ner-every-unit`).
pub struct NameGate<P> {
    pub tagger: P,
    pub every_unit: bool,
}

impl<P: PersonTagger> PersonTagger for NameGate<P> {
    fn tag(&self, texts: &[&str], progress: &mut dyn FnMut(usize)) -> Result<Vec<Vec<crate::model::ner::PersonSpan>>> {
        if self.every_unit {
            return self.tagger.tag(texts, progress);
        }
        let kept: Vec<usize> = (0..texts.len()).filter(|&i| officials::candidates::may_name_person(texts[i])).collect();
        let subset: Vec<&str> = kept.iter().map(|&i| texts[i]).collect();
        let found = self.tagger.tag(&subset, progress)?;
        if found.len() != kept.len() {
            return Err(Error::Internal(format!("person tagger returned {} results for {} units", found.len(), kept.len())));
        }
        let mut out = vec![Vec::new(); texts.len()];
        for (i, spans) in kept.into_iter().zip(found) {
            out[i] = spans;
        }
        Ok(out)
    }
}

/// Names after titles that the NER model did not tag ("Mayor Name", "Dame Name"): a second,
/// rule-based source of person mentions, added where the model found nothing.
pub struct TitledNames;

impl Stage for TitledNames {
    fn name(&self) -> &'static str {
        "titled names"
    }
    fn process(&self, docs: &mut [Doc], cx: &Context<'_>) -> Result<()> {
        each_doc(docs, cx, |d| {
            let extra = officials::candidates::titled_names(&d.article.text, &d.units, &d.people);
            d.people.extend(extra);
            d.people.sort_by_key(|m| m.start);
        });
        Ok(())
    }
}

/// The councils and trusts the article names, and what "the council" means in it: read once, so
/// officials and grades resolve an authority the same way.
pub struct FindBodies;

impl Stage for FindBodies {
    fn name(&self) -> &'static str {
        "bodies"
    }
    fn process(&self, docs: &mut [Doc], cx: &Context<'_>) -> Result<()> {
        each_doc(docs, cx, |d| d.bodies = officials::bodies_of(&d.article.text, &d.people));
        Ok(())
    }
}

/// Named officials with role and organisation.
pub struct Officials;

impl Stage for Officials {
    fn name(&self) -> &'static str {
        "officials"
    }
    fn process(&self, docs: &mut [Doc], cx: &Context<'_>) -> Result<()> {
        each_doc(docs, cx, |d| d.officials = officials::resolve(&d.article.text, &d.people, &d.bodies));
        Ok(())
    }
    fn tables(&self) -> Vec<Box<dyn Table>> {
        vec![Rows::<OfficialRow>::table()]
    }
}

impl FromDoc for OfficialRow {
    fn of(d: &Doc) -> Vec<OfficialRow> {
        d.officials
            .iter()
            .map(|o| OfficialRow {
                article_id: d.article.id.clone(),
                name: o.name.clone(),
                role: o.role.clone(),
                organisation: o.organisation.clone(),
                is_official: o.is_official,
                start: o.start,
                end: o.end,
                confidence: o.confidence,
                title: o.title.clone(),
                ward: o.ward.clone(),
                party: o.party.clone(),
            })
            .collect()
    }
}

/// Ofsted grades the article reports.
pub struct Grades;

impl Stage for Grades {
    fn name(&self) -> &'static str {
        "grades"
    }
    fn process(&self, docs: &mut [Doc], cx: &Context<'_>) -> Result<()> {
        each_doc(docs, cx, |d| d.grades = grades::extract(&d.article.text, &d.units, &d.bodies));
        Ok(())
    }
    fn tables(&self) -> Vec<Box<dyn Table>> {
        vec![Rows::<GradeRow>::table()]
    }
}

impl FromDoc for GradeRow {
    fn of(d: &Doc) -> Vec<GradeRow> {
        d.grades
            .iter()
            .map(|g| GradeRow { article_id: d.article.id.clone(), authority: g.authority.clone(), judgement_area: g.judgement_area, grade: g.grade, sentence_index: g.sentence_index, confidence: g.confidence })
            .collect()
    }
}

/// The standard pipeline over the given models.
pub fn standard<S, C, P>(segmenter: S, classifier: C, tagger: P) -> Pipeline
where
    S: Segmenter + 'static,
    C: SentenceClassifier + 'static,
    P: PersonTagger + 'static,
{
    Pipeline::new(vec![Box::new(Segment(segmenter)), Box::new(Classify(classifier)), Box::new(FindPeople(tagger)), Box::new(TitledNames), Box::new(FindBodies), Box::new(Officials), Box::new(Grades)])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::io::output::Row;

    /// Tags every text it is shown with one span over its first word, and remembers what it saw.
    struct FirstWord(std::sync::Mutex<Vec<String>>);
    impl PersonTagger for FirstWord {
        fn tag(&self, texts: &[&str], _: &mut dyn FnMut(usize)) -> Result<Vec<Vec<crate::model::ner::PersonSpan>>> {
            self.0.lock().unwrap().extend(texts.iter().map(|t| t.to_string()));
            Ok(texts.iter().map(|t| vec![crate::model::ner::PersonSpan { start: 0, end: t.find(' ').unwrap_or(t.len()), confidence: 0.9 }]).collect())
        }
    }

    #[test]
    fn the_name_gate_shows_the_tagger_only_units_with_a_capital_after_the_first_word() {
        let texts = ["Inspectors found delays.", "The report names Jane Smith.", "It was good.", "Cllr Ali spoke."];
        let gate = NameGate { tagger: FirstWord(Default::default()), every_unit: false };
        let spans = gate.tag(&texts, &mut |_| {}).unwrap();
        assert_eq!(*gate.tagger.0.lock().unwrap(), ["The report names Jane Smith.", "Cllr Ali spoke."]);
        // results come back in input order, empty for the units the tagger never saw
        assert_eq!(spans.iter().map(Vec::len).collect::<Vec<_>>(), [0, 1, 0, 1]);
        assert_eq!(spans[3][0].end, 4);
        let all = NameGate { tagger: FirstWord(Default::default()), every_unit: true };
        assert_eq!(all.tag(&texts, &mut |_| {}).unwrap().iter().filter(|s| !s.is_empty()).count(), 4);
    }

    #[test]
    fn rule_stages_bring_their_own_output_files() {
        let p = Pipeline::new(vec![Box::new(FindBodies), Box::new(Officials), Box::new(Grades)]);
        let files: Vec<&str> = p.tables().iter().map(|t| t.file()).collect();
        assert_eq!(files, [OfficialRow::FILE, GradeRow::FILE]);
    }
}
