-- NLM's MeSH check tags: descriptors indexers consider routinely for every article (species,
-- sex, pregnancy, human age groups, historical periods), so they top every frequency list
-- without saying what an article is about. One row per check tag; the report leaves them out
-- of "top descriptors" and co-occurring descriptors unless asked to include them.
-- Source: NLM, "Principles of MEDLINE Subject Indexing" (MeSH tutorial) and the MEDLINE Indexing
-- Online Training Course, "Check Tags" module (nlm.nih.gov/bsd/indexing/training/CHK_010.html).
create or replace temp table check_tags as

with

final as (
    select * from (
        values
            ('Humans', 'species'),
            ('Animals', 'species'),
            ('Female', 'sex'),
            ('Male', 'sex'),
            ('Pregnancy', 'pregnancy'),
            ('Infant, Newborn', 'age group'),
            ('Infant', 'age group'),
            ('Child, Preschool', 'age group'),
            ('Child', 'age group'),
            ('Adolescent', 'age group'),
            ('Young Adult', 'age group'),
            ('Adult', 'age group'),
            ('Middle Aged', 'age group'),
            ('Aged', 'age group'),
            ('Aged, 80 and over', 'age group'),
            ('History, Ancient', 'historical period'),
            ('History, Medieval', 'historical period'),
            ('History, 15th Century', 'historical period'),
            ('History, 16th Century', 'historical period'),
            ('History, 17th Century', 'historical period'),
            ('History, 18th Century', 'historical period'),
            ('History, 19th Century', 'historical period'),
            ('History, 20th Century', 'historical period'),
            ('History, 21st Century', 'historical period')
    ) as check_tags (descriptor_name, category)
)

select * from final;
