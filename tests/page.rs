//! `index.html` of a classify run on the seeds, rendered in headless Chromium: the script runs
//! without errors, the articles, officials and grades are in the page, filters and the article
//! view work, and screenshots are taken.

mod common;
use common::*;
use std::path::Path;

fn dom(page: &Path, fragment: &str) -> (String, String) {
    let o = headless(&["--dump-dom", "--virtual-time-budget=3000"], page, fragment);
    let (dom, log) = (String::from_utf8_lossy(&o.stdout).into_owned(), String::from_utf8_lossy(&o.stderr).into_owned());
    assert!(o.status.success(), "{log}");
    assert!(dom.contains("data-ready=\"1\""), "the page's script ran to the end ({fragment}):\n{log}");
    assert!(!log.contains("Uncaught") && !log.contains(":ERROR:CONSOLE"), "no script errors ({fragment}):\n{log}");
    (dom, log)
}

/// The rendered part of the page from the last `start` to the next `end`: the page's markup
/// comes after its scripts, whose source holds the same markup as templates.
fn region<'a>(dom: &'a str, start: &str, end: &str) -> &'a str {
    let from = &dom[dom.rfind(start).unwrap_or_else(|| panic!("{start} is not in the page"))..];
    &from[..from.find(end).unwrap_or(from.len())]
}

/// The ids in the article table, in the order shown.
fn listed(dom: &str) -> Vec<String> {
    region(dom, "<tbody id=\"rows\">", "</tbody>").split("<tr class=\"row\"").skip(1).map(|r| r.split("<td>").nth(1).unwrap_or("").split("</td>").next().unwrap_or("").to_string()).collect()
}

#[test]
fn index_html_shows_articles_officials_and_grades_and_its_filters_and_article_view_work() {
    let d = tempfile::tempdir().unwrap();
    let input = d.path().join("in");
    let seeds = Path::new(env!("CARGO_MANIFEST_DIR")).join("eval/articles");
    for f in std::fs::read_dir(&seeds).unwrap() {
        let f = f.unwrap().path();
        write(&input, f.file_name().unwrap().to_str().unwrap(), &std::fs::read(&f).unwrap());
    }
    // a failed article, for the errors filter; markup in a text must not break the page
    write(&input, "zz_dump.txt", "{\"k\":[1,2,3]},".repeat(2_000).as_bytes());
    write(&input, "zz_markup.txt", b"Inspectors said </script><b>services</b> & outcomes were good.\n");
    let out = d.path().join("out");
    let r = ofsted(&["classify", "-q"]).arg(&input).arg("--out").arg(&out).arg("--models-dir").arg(models()).run();
    assert_eq!(r.code, 1, "{}", r.stderr);
    let page = out.join("index.html");
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(!html.contains("http://") && !html.contains("https://"), "nothing is fetched from the network");

    let (_, officials) = read_csv(&out.join("officials.csv"));
    let (_, grades) = read_csv(&out.join("grades.csv"));
    let ids: Vec<String> = std::fs::read_dir(&input).unwrap().map(|f| f.unwrap().path().file_stem().unwrap().to_string_lossy().into_owned()).collect();
    let (all, _) = dom(&page, "");
    let mut shown = listed(&all);
    shown.sort();
    let mut want = ids.clone();
    want.sort();
    assert_eq!(shown, want, "every article is listed");
    let official = officials.iter().find(|o| o[4] == "true").expect("the seeds name officials");
    let table = region(&all, "<tbody id=\"rows\">", "</tbody>");
    assert!(table.contains(&official[1]), "official {} in the list", official[1]);
    assert!(table.contains(&format!("{}: {}", grades[0][2], grades[0][3])), "grade row {:?} in the list", grades[0]);

    // filters, as the page's controls set them (and as a link keeps them)
    let (errors, _) = dom(&page, "#errors=1");
    assert_eq!(listed(&errors), ["zz_dump"]);
    assert!(region(&errors, "<tbody id=\"rows\">", "</tbody>").contains("not prose"), "the error is in its row");
    let (search, _) = dom(&page, &format!("#q={}", official[1].replace(' ', "%20")));
    assert!(listed(&search).contains(&official[0]) && listed(&search).len() < ids.len(), "{:?}", listed(&search));
    let (improvement, _) = dom(&page, "#label=i");
    let sentences = read_csv(&out.join("sentences.csv")).1;
    let with_improvement: std::collections::BTreeSet<&str> = sentences.iter().filter(|u| u[4] == "improvement").map(|u| u[0].as_str()).collect();
    let mut kept = listed(&improvement);
    kept.sort();
    assert_eq!(kept, with_improvement.iter().map(|s| s.to_string()).collect::<Vec<_>>(), "exactly the articles with an improvement unit");

    // the article view: every unit highlighted, officials and grades beside them
    let (view, _) = dom(&page, &format!("#a={}", official[0]));
    let units = sentences.iter().filter(|u| u[0] == official[0]).count();
    let text = region(&view, "<div class=\"text\">", "</div>");
    assert_eq!(text.matches("<span class=\"u ").count(), units, "one highlight per unit");
    assert!(text.contains(&format!("<span class=\"tag person\">{}", official[1])), "the official beside their first mention");
    if grades.iter().any(|g| g[0] == official[0]) {
        assert!(text.contains("class=\"tag grade\""), "grade rows beside the units that state them");
    }
    let (markup, _) = dom(&page, "#a=zz_markup");
    assert!(region(&markup, "<div class=\"text\">", "</div>").contains("&lt;/script&gt;&lt;b&gt;services"), "article text is shown as text, not markup");

    for (name, fragment, size) in [("index-list.png", "", "1400,900"), ("index-article.png", &*format!("#a={}", official[0]), "1400,1100")] {
        let shot = out.join(name);
        let o = headless(&[&format!("--screenshot={}", shot.display()), &format!("--window-size={size}"), "--virtual-time-budget=3000"], &page, fragment);
        assert!(o.status.success());
        assert!(std::fs::metadata(&shot).map(|m| m.len() > 10_000).unwrap_or(false), "a non-blank screenshot {name}");
        if let Ok(dir) = std::env::var("OFSTED_SCREENSHOTS") {
            std::fs::copy(&shot, Path::new(&dir).join(name)).unwrap();
        }
    }
}
