-- 068_mask_phones.sql — kefu.mask_phones(text): the loader's masking of
-- phone-like runs in free text (common/phone.c, kefu_mask_phones) in SQL, the
-- same rules character for character, so that rows loaded before the loader
-- masked (or by other means) can be masked in place: kefu.mask_free_text()
-- rewrites the free-text columns of the feeds (agent_states.reason,
-- pullouts.reason, violations.note, complaints.description).
--
-- A run is a group of ASCII or full-width digits, or groups joined by one space
-- or dash when both have 3 or more digits (after a +86 / 0086 country code a
-- 2-digit area code joins too). A run with 7 or more national digits (after
-- +86 / 0086) is masked: 11 or more keep 3 + 4 digits, fewer keep 2 + 2; a run
-- of more than 64 digits keeps none. A masked digit becomes * (＊ for a
-- full-width one). Passes repeat until one masks nothing (a masked run's
-- visible tail may join the digits after it).

CREATE FUNCTION kefu.mask_phones(p_text text) RETURNS text
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
    c text[] := string_to_array(p_text, NULL);
    n int := coalesce(array_length(c, 1), 0);
    runs int;
    i int; j int; k int; m int; e int;
    g int; g2 int; groups int; prev_group int; total int;
    cc boolean; plus boolean; joins boolean;
    head text; pos int[];
    skip int; national int; keep_head int; keep_tail int; ni int;
    a int;
BEGIN
    LOOP
        runs := 0;
        i := 1;
        WHILE i <= n LOOP
            a := ascii(c[i]);
            IF NOT (a BETWEEN 48 AND 57 OR a BETWEEN 65296 AND 65305) THEN
                i := i + 1;
                CONTINUE;
            END IF;
            pos := '{}';
            head := '';
            total := 0; groups := 0; prev_group := 0; cc := false;
            plus := i > 1 AND c[i - 1] = '+';
            j := i;
            LOOP
                g := 0;
                k := j;
                WHILE k <= n LOOP
                    a := ascii(c[k]);
                    EXIT WHEN NOT (a BETWEEN 48 AND 57 OR a BETWEEN 65296 AND 65305);
                    pos := pos || k;
                    IF total < 4 THEN
                        head := head || chr(48 + CASE WHEN a < 128 THEN a - 48 ELSE a - 65296 END);
                    END IF;
                    total := total + 1;
                    g := g + 1;
                    k := k + 1;
                END LOOP;
                groups := groups + 1;
                IF groups = 1 AND ((plus AND g = 2 AND head = '86') OR (g = 4 AND head = '0086')) THEN
                    cc := true;  -- the country code: an area code of 2 may follow
                END IF;
                e := k;  -- one past the run so far
                prev_group := g;
                EXIT WHEN k + 1 > n OR c[k] NOT IN (' ', '-');
                a := ascii(c[k + 1]);
                EXIT WHEN NOT (a BETWEEN 48 AND 57 OR a BETWEEN 65296 AND 65305);
                g2 := 0;
                m := k + 1;
                WHILE m <= n LOOP
                    a := ascii(c[m]);
                    EXIT WHEN NOT (a BETWEEN 48 AND 57 OR a BETWEEN 65296 AND 65305);
                    g2 := g2 + 1;
                    m := m + 1;
                END LOOP;
                joins := (g2 >= 3 AND prev_group >= 3)
                      OR (cc AND groups = 1 AND g2 >= 2)
                      OR (cc AND groups = 2 AND prev_group >= 2 AND g2 >= 3);
                EXIT WHEN NOT joins;
                j := k + 1;
            END LOOP;
            skip := CASE WHEN plus AND total >= 2 AND left(head, 2) = '86' THEN 2
                         WHEN total >= 4 AND head = '0086' THEN 4 ELSE 0 END;
            national := total - skip;
            IF national >= 7 THEN
                keep_head := CASE WHEN national >= 11 THEN 3 ELSE 2 END;
                keep_tail := CASE WHEN national >= 11 THEN 4 ELSE 2 END;
                IF total > 64 THEN
                    keep_head := 0;
                    keep_tail := 0;
                END IF;
                FOR x IN skip + 1 .. total LOOP  -- x: 1-based digit index of the run
                    ni := x - 1 - skip;
                    CONTINUE WHEN ni < keep_head OR ni >= national - keep_tail;
                    c[pos[x]] := CASE WHEN ascii(c[pos[x]]) < 128 THEN '*' ELSE '＊' END;
                END LOOP;
                runs := runs + 1;
            END IF;
            i := e;
        END LOOP;
        EXIT WHEN runs = 0;
    END LOOP;
    RETURN array_to_string(c, '');
END
$$;

COMMENT ON FUNCTION kefu.mask_phones(text) IS
    'phone-like runs of free text masked as the loader does (common/phone.c kefu_mask_phones)';

-- Masks the free-text columns of rows already loaded (idempotent: masked text
-- stays as it is). Returns the rows changed per column, as "table.column".
CREATE FUNCTION kefu.mask_free_text() RETURNS TABLE (col text, rows_changed bigint)
LANGUAGE plpgsql AS $$
DECLARE
    n bigint;
BEGIN
    UPDATE kefu.agent_states SET reason = kefu.mask_phones(reason)
     WHERE reason ~ '[0-9０-９]{2}' AND reason IS DISTINCT FROM kefu.mask_phones(reason);
    GET DIAGNOSTICS n = ROW_COUNT;
    col := 'agent_states.reason'; rows_changed := n; RETURN NEXT;
    UPDATE kefu.pullouts SET reason = kefu.mask_phones(reason)
     WHERE reason ~ '[0-9０-９]{2}' AND reason IS DISTINCT FROM kefu.mask_phones(reason);
    GET DIAGNOSTICS n = ROW_COUNT;
    col := 'pullouts.reason'; rows_changed := n; RETURN NEXT;
    UPDATE kefu.violations SET note = kefu.mask_phones(note)
     WHERE note ~ '[0-9０-９]{2}' AND note IS DISTINCT FROM kefu.mask_phones(note);
    GET DIAGNOSTICS n = ROW_COUNT;
    col := 'violations.note'; rows_changed := n; RETURN NEXT;
    UPDATE kefu.complaints SET description = kefu.mask_phones(description)
     WHERE description ~ '[0-9０-９]{2}' AND description IS DISTINCT FROM kefu.mask_phones(description);
    GET DIAGNOSTICS n = ROW_COUNT;
    col := 'complaints.description'; rows_changed := n; RETURN NEXT;
END
$$;

GRANT EXECUTE ON FUNCTION kefu.mask_phones(text) TO kefu_loader, kefu_reporter, kefu_hr;
-- It rewrites feed tables: the loader's role (and the owner) only.
REVOKE ALL ON FUNCTION kefu.mask_free_text() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION kefu.mask_free_text() TO kefu_loader;
