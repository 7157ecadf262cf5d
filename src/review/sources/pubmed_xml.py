"""Pure mapping of PubMed E-utilities XML: efetch ``PubmedArticleSet`` and esearch results.

No I/O here, so archived pages can be re-parsed offline. ``parse_efetch`` returns the
``PubmedArticle``/``PubmedBookArticle`` elements, ``parse_esearch`` the count and history keys,
``to_record`` maps one element. The article's own DOI is read only from
``PubmedData/ArticleIdList`` or ``Article/ELocationID``, never from ``ReferenceList`` (the
paperscraper bug, README §2.2 #18). Bracketed ``ArticleTitle``s (``[...]``) are NLM's English
translations of non-English titles: the brackets are dropped, the original stays in
``VernacularTitle``.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

from review.errors import BadResponse
from review.normalize import parse_year
from review.record import Record
from review.sources.base import decode_xml

NAME = "pubmed"
ITEM_TAGS = ("PubmedArticle", "PubmedBookArticle")
PUBMED_URL = "https://pubmed.ncbi.nlm.nih.gov/{}/"
# Publication types and CommentsCorrections RefTypes that mark notices (NLM's own vocabulary).
TYPE_FLAGS = {
    "Retracted Publication": "retracted",
    "Retraction of Publication": "retraction_notice",
    "Published Erratum": "erratum",
    "Preprint": "preprint",
}
REF_FLAGS = {"RetractionIn": "retracted", "RetractionOf": "retraction_notice"}


@dataclass(frozen=True)
class SearchResult:
    """What one esearch answer says: count, history keys and any ids and warnings."""

    count: int
    webenv: str | None = None
    query_key: str | None = None
    ids: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _root(body: bytes, expected: str, url: str) -> ET.Element:
    root = decode_xml(body, NAME, url)
    if root.tag != expected:
        error = " ".join((root.findtext("ERROR") or "").split())
        detail = f": {error}" if error else ""
        raise BadResponse(
            f"{NAME}: expected <{expected}> but got <{root.tag}>{detail}"
            + (f" from {url}" if url else ""),
            source=NAME,
            url=url,
        )
    return root


def parse_efetch(body: bytes, url: str = "") -> list[ET.Element]:
    """The article elements of an efetch page; an empty set (unknown PMIDs) gives []."""
    root = _root(body, "PubmedArticleSet", url)
    return [child for child in root if child.tag in ITEM_TAGS]


def parse_esearch(body: bytes, url: str = "") -> SearchResult:
    """Count, WebEnv, QueryKey and ids of an esearch page; PhraseNotFound is a warning."""
    root = _root(body, "eSearchResult", url)
    error = root.findtext("ERROR")
    count = root.findtext("Count")
    if error or count is None or not count.strip().isdigit():
        raise BadResponse(
            f"{NAME}: esearch failed: {error or 'no <Count>'}" + (f" at {url}" if url else ""),
            source=NAME,
            url=url,
        )
    warnings = [f"{el.tag}: {el.text}" for el in root.findall("ErrorList/*") if el.text]
    return SearchResult(
        count=int(count),
        webenv=root.findtext("WebEnv"),
        query_key=root.findtext("QueryKey"),
        ids=[el.text.strip() for el in root.findall("IdList/Id") if el.text],
        warnings=warnings,
    )


def _text(element: ET.Element | None) -> str | None:
    """All text of an element, inline markup (<i>, <sup>) flattened; None when empty."""
    if element is None:
        return None
    text = " ".join("".join(element.itertext()).split())
    return text or None


def _abstract(abstract: ET.Element | None) -> str | None:
    """Labelled sections joined as ``LABEL: text``; NLM's ``UNLABELLED`` label is dropped."""
    if abstract is None:
        return None
    parts = []
    for section in abstract.findall("AbstractText"):
        text = _text(section)
        label = (section.get("Label") or "").strip()
        if text:
            parts.append(f"{label}: {text}" if label and label != "UNLABELLED" else text)
    return " ".join(parts) or None


def _authors(author_list: ET.Element | None) -> list[str]:
    """``Family, Given`` per author (initials when no given name); collective names as is."""
    if author_list is None:
        return []
    names = []
    for author in author_list.findall("Author"):
        family = _text(author.find("LastName"))
        given = _text(author.find("ForeName")) or _text(author.find("Initials"))
        collective = _text(author.find("CollectiveName"))
        if family:
            names.append(f"{family}, {given}" if given else family)
        elif collective:
            names.append(collective)
    return names


def _title(element: ET.Element | None) -> str | None:
    """The title, without the brackets NLM puts around translated titles."""
    text = _text(element)
    if text and text.startswith("["):
        text = re.sub(r"^\[(.*)\](\.?)$", r"\1\2", text)
    return text


def _year(pub_date: ET.Element | None) -> int | None:
    """``PubDate/Year``, else the first year of a free-text ``MedlineDate`` (``1998 Dec-1999``)."""
    if pub_date is None:
        return None
    return parse_year(pub_date.findtext("Year") or pub_date.findtext("MedlineDate"))


def _pmid(container: ET.Element) -> str:
    """The PMID, which every PubMed record has; its absence means the XML is not PubMed's."""
    pmid = (container.findtext("PMID") or "").strip()
    if not pmid:
        raise ValueError(f"{NAME}: record without a PMID")
    return pmid


def _ids(container: ET.Element | None) -> dict[str, str]:
    """``IdType -> value`` of one ``ArticleIdList`` (the first of each type wins)."""
    ids: dict[str, str] = {}
    for article_id in [] if container is None else container.findall("ArticleId"):
        if article_id.text and article_id.get("IdType"):
            ids.setdefault(article_id.get("IdType", ""), article_id.text.strip())
    return ids


def _flags(item: ET.Element, types: list[str]) -> list[str]:
    """Retraction, erratum and preprint flags from publication types and CommentsCorrections."""
    flags = {TYPE_FLAGS[t] for t in types if t in TYPE_FLAGS}
    for ref in item.iter("CommentsCorrections"):
        flag = REF_FLAGS.get(ref.get("RefType", ""))
        if flag:
            flags.add(flag)
    return sorted(flags)


def _pages(article: ET.Element) -> str | None:
    pages = article.findtext("Pagination/MedlinePgn")
    if pages:
        return pages
    start, end = article.findtext("Pagination/StartPage"), article.findtext("Pagination/EndPage")
    return f"{start}-{end}" if start and end else start


def _keywords(citation: ET.Element) -> list[str]:
    words = [_text(k) for k in citation.findall("KeywordList/Keyword")]
    words += [_text(d) for d in citation.findall("MeshHeadingList/MeshHeading/DescriptorName")]
    return [w for w in words if w]


def _article_record(item: ET.Element) -> Record:
    citation = item.find("MedlineCitation")
    article = None if citation is None else citation.find("Article")
    if citation is None or article is None:
        raise ValueError(f"{NAME}: PubmedArticle without MedlineCitation/Article")
    pmid = _pmid(citation)
    ids = _ids(item.find("PubmedData/ArticleIdList"))
    doi = ids.get("doi") or article.findtext("ELocationID[@EIdType='doi']")
    types = [t for t in (_text(p) for p in article.findall("PublicationTypeList/*")) if t]
    issue = article.find("Journal/JournalIssue")
    return Record(
        source=NAME,
        source_id=pmid,
        pmid=pmid,
        doi=doi,
        pmcid=ids.get("pmc"),
        title=_title(article.find("ArticleTitle")) or _text(article.find("VernacularTitle")),
        abstract=_abstract(article.find("Abstract")) or _abstract(citation.find("OtherAbstract")),
        authors=_authors(article.find("AuthorList")),
        year=_year(None if issue is None else issue.find("PubDate"))
        or parse_year(article.findtext("ArticleDate/Year")),
        venue=_text(article.find("Journal/Title")),
        volume=None if issue is None else issue.findtext("Volume"),
        issue=None if issue is None else issue.findtext("Issue"),
        pages=_pages(article),
        language=article.findtext("Language"),
        publication_type="; ".join(types) or None,
        keywords=_keywords(citation),
        flags=_flags(item, types),
        url=PUBMED_URL.format(pmid),
    )


def _book_record(item: ET.Element) -> Record:
    document = item.find("BookDocument")
    book = None if document is None else document.find("Book")
    if document is None or book is None:
        raise ValueError(f"{NAME}: PubmedBookArticle without BookDocument/Book")
    pmid = _pmid(document)
    ids = {
        **_ids(item.find("PubmedBookData/ArticleIdList")),
        **_ids(document.find("ArticleIdList")),
    }
    chapter = _title(document.find("ArticleTitle"))
    types = [t for t in (_text(p) for p in document.findall("PublicationType")) if t]
    authors = document.find("AuthorList[@Type='authors']")
    if authors is None:  # Element truthiness means "has children", so test for None
        authors = book.find("AuthorList")
    return Record(
        source=NAME,
        source_id=pmid,
        pmid=pmid,
        doi=ids.get("doi"),
        pmcid=ids.get("pmc"),
        title=chapter or _title(book.find("BookTitle")),
        abstract=_abstract(document.find("Abstract")),
        authors=_authors(authors),
        year=_year(book.find("PubDate")),
        venue=_text(book.find("BookTitle"))
        if chapter
        else _text(book.find("Publisher/PublisherName")),
        language=document.findtext("Language"),
        publication_type="; ".join(types) or ("Book Chapter" if chapter else "Book"),
        keywords=[k for k in (_text(w) for w in document.findall("KeywordList/Keyword")) if k],
        flags=_flags(item, types),
        url=PUBMED_URL.format(pmid),
    )


def to_record(item: ET.Element) -> Record:
    """Map one ``PubmedArticle`` or ``PubmedBookArticle`` element to a Record (pure).

    An element that is not a PubMed record raises ValueError: one bad item is skipped by the
    harvester, while a bad page (``parse_efetch``) raises BadResponse.
    """
    if item.tag == "PubmedBookArticle":
        return _book_record(item)
    if item.tag == "PubmedArticle":
        return _article_record(item)
    raise ValueError(f"{NAME}: cannot map <{item.tag}>; expected one of {ITEM_TAGS}")
