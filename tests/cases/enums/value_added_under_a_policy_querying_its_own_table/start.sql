CREATE TYPE task_state AS ENUM ('open', 'done');
CREATE TABLE tasks (id integer PRIMARY KEY, state task_state NOT NULL, parent_id integer);
ALTER TABLE tasks ENABLE ROW LEVEL SECURITY;
-- a correlated subquery on the policy's own table, comparing the enum column
CREATE POLICY tasks_under_open_parent ON tasks USING (
    EXISTS (SELECT 1 FROM tasks parent WHERE parent.id = tasks.parent_id AND parent.state = 'open'));
