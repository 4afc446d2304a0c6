-- One row per pharmacological action of a MeSH descriptor or supplementary record.
create table if not exists mesh_pharmacological_actions (
    record_ui varchar not null,
    record_kind varchar not null,
    action_ui varchar not null,
    action_name varchar not null
);

comment on table mesh_pharmacological_actions is 'One row per pharmacological action of a substance record (grain: record_ui, action_ui): "Celecoxib is a Cyclooxygenase 2 Inhibitor". Records are descriptors (D...) and supplementary records (C...).';
comment on column mesh_pharmacological_actions.record_ui is 'Substance record: mesh_descriptors.descriptor_ui or mesh_supplementary_records.record_ui.';
comment on column mesh_pharmacological_actions.record_kind is 'descriptors or supplementary: the file kind it came from (mesh_vocabularies.kind).';
comment on column mesh_pharmacological_actions.action_ui is 'Descriptor UI of the action (e.g. D016861 Cyclooxygenase Inhibitors).';
comment on column mesh_pharmacological_actions.action_name is 'Descriptor name of the action as the record gives it.';
