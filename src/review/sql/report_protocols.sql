-- Protocols the database knows: those with searches or decisions.
SELECT protocol FROM searches WHERE protocol IS NOT NULL
UNION
SELECT protocol FROM decisions
ORDER BY protocol;
